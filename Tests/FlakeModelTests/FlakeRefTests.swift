import FlakeModel
import Testing

/// One URL → attrs → URL case.
struct URLCase: CustomTestStringConvertible, Sendable {
    var url: String
    var attrs: Attrs
    var subdir: String = ""
    /// The rendering; nil means "same as `url`".
    var rendered: String? = nil
    var isFlake = true
    /// Whether parsing the rendering gives the same attributes (false where rendering is lossy).
    var roundTrips = true
    var testDescription: String { url }
}

let nix28Cases: [URLCase] = [
    URLCase(url: "nixpkgs", attrs: ["type": "indirect", "id": "nixpkgs"], rendered: "flake:nixpkgs"),
    URLCase(
        url: "nixpkgs/nixos-23.05", attrs: ["type": "indirect", "id": "nixpkgs", "ref": "nixos-23.05"],
        rendered: "flake:nixpkgs/nixos-23.05"),
    URLCase(
        url: "nixpkgs/0123456789abcdef0123456789abcdef01234567",
        attrs: ["type": "indirect", "id": "nixpkgs", "rev": "0123456789abcdef0123456789abcdef01234567"],
        rendered: "flake:nixpkgs/0123456789abcdef0123456789abcdef01234567"),
    URLCase(
        url: "flake:x/main/0123456789abcdef0123456789abcdef01234567",
        attrs: ["type": "indirect", "id": "x", "ref": "main", "rev": "0123456789abcdef0123456789abcdef01234567"]),
    URLCase(url: "flake:nixpkgs?dir=lib", attrs: ["type": "indirect", "id": "nixpkgs"], subdir: "lib"),
    URLCase(url: "path:/srv/x", attrs: ["type": "path", "path": "/srv/x"]),
    URLCase(url: "path:./sub", attrs: ["type": "path", "path": "./sub"]),
    URLCase(
        url: "path:/srv/x?lastModified=1700000000&narHash=sha256-+JkwdEa0gSqBJwG9WhyCmWWs2TXJ6gxv7sh4KHeZZqs=",
        attrs: [
            "type": "path", "path": "/srv/x", "lastModified": 1_700_000_000,
            "narHash": "sha256-+JkwdEa0gSqBJwG9WhyCmWWs2TXJ6gxv7sh4KHeZZqs=",
        ]),
    URLCase(url: "/abs/dir", attrs: ["type": "path", "path": "/abs/dir"], rendered: "path:/abs/dir"),
    URLCase(url: "git+file:///home/u/a", attrs: ["type": "git", "url": "file:///home/u/a"]),
    URLCase(
        url: "git+file:///home/u/a?ref=main&rev=47a5c8aedc8cdb281957e53ded0c76e956879025",
        attrs: [
            "type": "git", "url": "file:///home/u/a", "ref": "main", "rev": "47a5c8aedc8cdb281957e53ded0c76e956879025",
        ]),
    URLCase(
        url: "git+https://example.org/r?ref=x&foo=1",
        attrs: ["type": "git", "url": "https://example.org/r?foo=1", "ref": "x"],
        rendered: "git+https://example.org/r?foo=1&ref=x"),
    URLCase(
        url: "git+https://h/r?dir=sub", attrs: ["type": "git", "url": "https://h/r?dir=sub"], subdir: "sub",
        rendered: "git+https://h/r?dir=sub"),
    URLCase(
        url: "git+file:///x?shallow=1&submodules=1&dir=.",
        attrs: ["type": "git", "url": "file:///x?dir=.", "shallow": true, "submodules": true], subdir: ".",
        rendered: "git+file:///x?dir=.&shallow=1", roundTrips: false),
    URLCase(
        url: "git+file:///x?shallow=0&foo=bar", attrs: ["type": "git", "url": "file:///x?foo=bar", "shallow": false],
        rendered: "git+file:///x?foo=bar", roundTrips: false),
    URLCase(url: "git+ssh://git@github.com/o/r", attrs: ["type": "git", "url": "ssh://git@github.com/o/r"]),
    URLCase(url: "git://example.org/r", attrs: ["type": "git", "url": "git://example.org/r"]),
    URLCase(
        url: "git+file:///x?ref=%C3%BC", attrs: ["type": "git", "url": "file:///x", "ref": "ü"],
        rendered: "git+file:///x?ref=%ffffffc3%ffffffbc", roundTrips: false),
    URLCase(url: "github:NixOS/nixpkgs", attrs: ["type": "github", "owner": "NixOS", "repo": "nixpkgs"]),
    URLCase(
        url: "github:NixOS/nixpkgs/nixos-23.05",
        attrs: ["type": "github", "owner": "NixOS", "repo": "nixpkgs", "ref": "nixos-23.05"]),
    URLCase(
        url: "github:NixOS/nixpkgs/pull/357207/head",
        attrs: ["type": "github", "owner": "NixOS", "repo": "nixpkgs", "ref": "pull/357207/head"]),
    URLCase(
        url: "github:o/r/0123456789ABCDEF0123456789abcdef01234567",
        attrs: ["type": "github", "owner": "o", "repo": "r", "rev": "0123456789abcdef0123456789abcdef01234567"],
        rendered: "github:o/r/0123456789abcdef0123456789abcdef01234567"),
    URLCase(
        url: "github:o/r?host=example.org&foo=1",
        attrs: ["type": "github", "owner": "o", "repo": "r", "host": "example.org"],
        rendered: "github:o/r"),
    URLCase(url: "github:o/r?dir=sub", attrs: ["type": "github", "owner": "o", "repo": "r"], subdir: "sub"),
    URLCase(url: "gitlab:o/r/v1", attrs: ["type": "gitlab", "owner": "o", "repo": "r", "ref": "v1"]),
    URLCase(url: "sourcehut:~o/r", attrs: ["type": "sourcehut", "owner": "~o", "repo": "r"]),
    URLCase(url: "https://h/x.tar.gz", attrs: ["type": "tarball", "url": "https://h/x.tar.gz"]),
    URLCase(
        url: "https://h/repo.tar.gz?foo=bar&a=b%2Fc",
        attrs: ["type": "tarball", "url": "https://h/repo.tar.gz?a=b%2fc&foo=bar"],
        rendered: "https://h/repo.tar.gz?a=b%2fc&foo=bar"),
    URLCase(url: "file:///srv/x.zip", attrs: ["type": "tarball", "url": "file:///srv/x.zip"]),
    URLCase(
        url: "hg+https://h/r?ref=default&x=1", attrs: ["type": "hg", "url": "https://h/r?x=1", "ref": "default"],
        rendered: "hg+https://h/r?ref=default&x=1"),
]

let currentCases: [URLCase] = [
    URLCase(url: "nixpkgs", attrs: ["type": "indirect", "id": "nixpkgs"], rendered: "flake:nixpkgs"),
    URLCase(
        url: "nixpkgs/release@2+x", attrs: ["type": "indirect", "id": "nixpkgs", "ref": "release@2+x"],
        rendered: "flake:nixpkgs/release@2%2Bx"),
    URLCase(
        url: "flake:x/feature%2Fa", attrs: ["type": "indirect", "id": "x", "ref": "feature/a"],
        rendered: "flake:x/feature%2Fa"),
    URLCase(url: "path:/srv/x?dir=sub", attrs: ["type": "path", "path": "/srv/x"], subdir: "sub"),
    URLCase(url: "path:/home/u/%C3%BC%20x", attrs: ["type": "path", "path": "/home/u/ü x"]),
    URLCase(
        url: "path:/srv/x?lastModified=1700000000&narHash=sha256-ZTS5LgnHTKbSahmPRr3pl/mehlQhzo4mkOjXfQsPj+o=",
        attrs: [
            "type": "path", "path": "/srv/x", "lastModified": 1_700_000_000,
            "narHash": "sha256-ZTS5LgnHTKbSahmPRr3pl/mehlQhzo4mkOjXfQsPj+o=",
        ],
        rendered: "path:/srv/x?lastModified=1700000000&narHash=sha256-ZTS5LgnHTKbSahmPRr3pl/mehlQhzo4mkOjXfQsPj%2Bo%3D"),
    URLCase(url: "./sub", attrs: ["type": "path", "path": "./sub"], rendered: "path:./sub"),
    URLCase(url: "foo.bar", attrs: ["type": "path", "path": "foo.bar"], rendered: "path:foo.bar"),
    URLCase(
        url: "nixpkgs?dir=lib", attrs: ["type": "path", "path": "nixpkgs"], subdir: "lib",
        rendered: "path:nixpkgs?dir=lib"),
    URLCase(url: "git+https://h/r?dir=sub", attrs: ["type": "git", "url": "https://h/r"], subdir: "sub"),
    URLCase(
        url: "git+file:///x?shallow=1&submodules=1&lfs=1&exportIgnore=1&allRefs=1",
        attrs: [
            "type": "git", "url": "file:///x", "shallow": true, "submodules": true, "lfs": true, "exportIgnore": true,
            "allRefs": true,
        ],
        rendered: "git+file:///x?exportIgnore=1&lfs=1&shallow=1&submodules=1", roundTrips: false),
    URLCase(url: "git+file:///x?ref=%C3%BC", attrs: ["type": "git", "url": "file:///x", "ref": "ü"]),
    URLCase(
        url: "git+https://h/r?a=b%2Fc", attrs: ["type": "git", "url": "https://h/r?a=b/c"],
        rendered: "git+https://h/r?a=b/c"),
    URLCase(
        url:
            "github:NixOS/nixpkgs/0123456789abcdef0123456789abcdef01234567?narHash=sha256-+JkwdEa0gSqBJwG9WhyCmWWs2TXJ6gxv7sh4KHeZZqs%3D",
        attrs: [
            "type": "github", "owner": "NixOS", "repo": "nixpkgs", "rev": "0123456789abcdef0123456789abcdef01234567",
            "narHash": "sha256-+JkwdEa0gSqBJwG9WhyCmWWs2TXJ6gxv7sh4KHeZZqs=",
        ],
        rendered:
            "github:NixOS/nixpkgs/0123456789abcdef0123456789abcdef01234567?narHash=sha256-%2BJkwdEa0gSqBJwG9WhyCmWWs2TXJ6gxv7sh4KHeZZqs%3D"
    ),
    URLCase(
        url: "github:o/r?host=git.example-corp.org",
        attrs: ["type": "github", "owner": "o", "repo": "r", "host": "git.example-corp.org"]),
    URLCase(url: "gitlab:o/r?dir=sub", attrs: ["type": "gitlab", "owner": "o", "repo": "r"], subdir: "sub"),
    URLCase(
        url: "https://h/x.tar.gz?a=b%2Fc", attrs: ["type": "tarball", "url": "https://h/x.tar.gz?a=b/c"],
        rendered: "https://h/x.tar.gz?a=b/c"),
    URLCase(
        url: "https://flakehub.com/f/o/r/0.1", attrs: ["type": "tarball", "url": "https://flakehub.com/f/o/r/0.1"]),
    URLCase(url: "https://h/file", attrs: ["type": "file", "url": "https://h/file"], isFlake: false),
    URLCase(url: "file:///dev/null", attrs: ["type": "file", "url": "file:///dev/null"], isFlake: false),
    URLCase(url: "tarball+https://h/x", attrs: ["type": "tarball", "url": "https://h/x"], rendered: "https://h/x"),
    URLCase(
        url: "file+https://h/x.tar.gz", attrs: ["type": "file", "url": "https://h/x.tar.gz"],
        rendered: "https://h/x.tar.gz", roundTrips: false),
    URLCase(
        url:
            "https://h/p/x.tar.gz?rev=0123456789abcdef0123456789abcdef01234567&revCount=3&lastModified=10&narHash=sha256-+JkwdEa0gSqBJwG9WhyCmWWs2TXJ6gxv7sh4KHeZZqs%3D&keep=1",
        attrs: [
            "type": "tarball", "url": "https://h/p/x.tar.gz?keep=1", "rev": "0123456789abcdef0123456789abcdef01234567",
            "revCount": 3, "lastModified": 10,
            "narHash": "sha256-+JkwdEa0gSqBJwG9WhyCmWWs2TXJ6gxv7sh4KHeZZqs=",
        ],
        rendered: "https://h/p/x.tar.gz?keep=1&narHash=sha256-%2BJkwdEa0gSqBJwG9WhyCmWWs2TXJ6gxv7sh4KHeZZqs%3D",
        roundTrips: false),
]

@Suite("FlakeRef URL ↔ attrs")
struct FlakeRefURLTests {
    func check(_ c: URLCase, _ profile: CompatProfile) throws {
        let base: FlakeRefPathBase = profile.relativePathInputs ? .preserveRelative : .none
        let ref = try FlakeRef.parse(c.url, profile: profile, base: base, isFlake: c.isFlake)
        #expect(ref.input.attrs == c.attrs, "attrs of \(c.url): \(ref.input.attrs)")
        #expect(ref.subdir == c.subdir)
        let rendered = try ref.toURLString(profile: profile)
        #expect(rendered == (c.rendered ?? c.url))
        // attrs form → same ref
        let back = try FlakeRef.fromAttrs(ref.toAttrs(), profile: profile)
        #expect(back == ref)
        // rendering parses back to the same attributes (modulo 2.8's lossy forge rendering)
        if c.roundTrips && (c.attrs["host"] == nil || profile.githubRendersHost) {
            let again = try FlakeRef.parse(rendered, profile: profile, base: base, isFlake: c.isFlake)
            #expect(again == ref, "re-parse of \(rendered)")
        }
    }

    @Test(arguments: nix28Cases)
    func nix28(_ c: URLCase) throws { try check(c, .nix28) }

    @Test(arguments: currentCases)
    func current(_ c: URLCase) throws { try check(c, .nix) }
}

struct ErrorCase: CustomTestStringConvertible, Sendable {
    var input: String
    var message: String
    var testDescription: String { input }
}

let nix28Errors: [ErrorCase] = [
    ErrorCase(input: "github:owner", message: "URL 'github:owner' is invalid"),
    ErrorCase(
        input: "github:o/r?ref=a&rev=0123456789012345678901234567890123456789",
        message:
            "URL 'github:o/r?ref=a&rev=0123456789012345678901234567890123456789' contains both a commit hash and a branch/tag name a 0123456789012345678901234567890123456789"
    ),
    ErrorCase(input: "github:o/r/a b", message: "'github:o/r/a b' is not a valid URL"),
    ErrorCase(input: "path:/x?dir=y", message: "path URL 'path:/x?dir=y' has unsupported parameter 'dir'"),
    ErrorCase(
        input: "path:/x?revCount=abc", message: "path URL 'path:/x?revCount=abc' has invalid parameter 'revCount'"),
    ErrorCase(input: "https://h/file", message: "input 'https://h/file' is unsupported"),
    ErrorCase(input: "tarball+https://h/x.tar.gz", message: "input 'tarball+https://h/x.tar.gz' is unsupported"),
    ErrorCase(input: "flake:9x", message: "'9x' is not a valid flake ID"),
    ErrorCase(input: "github:o/r?host=a-b", message: "URL 'github:o/r?host=a-b' contains an invalid instance host"),
    ErrorCase(input: "git+file:///x?ref=a..b", message: "invalid Git branch/tag name 'a..b'"),
    ErrorCase(input: "flake:nixpkgs/a/b/c", message: "GitHub URL 'flake:nixpkgs/a/b/c' is invalid"),
    ErrorCase(
        input: "flake:nixpkgs/a@b",
        message: "in flake URL 'flake:nixpkgs/a@b', 'a@b' is not a commit hash or branch/tag name"),
    ErrorCase(input: "git+file://host/x", message: "file:// URL 'git+file://host/x' has unexpected authority 'host'"),
    ErrorCase(input: "nixpkgs/ü", message: "'nixpkgs/ü' is not a valid URL"),
    ErrorCase(input: "hg+file:///x?ref=a%20b", message: "invalid Mercurial branch/tag name 'a b'"),
    ErrorCase(input: "./relative", message: "flake reference './relative' is not an absolute path"),
]

let currentErrors: [ErrorCase] = [
    ErrorCase(input: "github:owner", message: "URL 'github:owner' is invalid"),
    ErrorCase(
        input: "github:o/r?ref=a&rev=0123456789012345678901234567890123456789",
        message:
            "input {\"owner\":\"o\",\"ref\":\"a\",\"repo\":\"r\",\"rev\":\"0123456789012345678901234567890123456789\",\"type\":\"github\"} contains both a commit hash ('0123456789012345678901234567890123456789') and a branch/tag name ('a')"
    ),
    ErrorCase(input: "github:o/r?foo=1", message: "URL 'github:o/r?foo=1' contains unknown parameter 'foo'"),
    ErrorCase(input: "github:o/r?host=a_b", message: "URL 'github:o/r?host=a_b' contains an invalid instance host"),
    ErrorCase(input: "flake:9x", message: "'9x' is not a valid flake ID"),
    ErrorCase(input: "foo+bar://x", message: "input 'foo+bar://x' is unsupported"),
    ErrorCase(input: "git+file:///x?ref=a..b", message: "invalid Git branch/tag name 'a..b'"),
]

@Suite("FlakeRef errors")
struct FlakeRefErrorTests {
    func check(_ c: ErrorCase, _ profile: CompatProfile) {
        #expect(throws: FlakeRefError.self) { _ = try FlakeRef.parse(c.input, profile: profile) }
        do {
            _ = try FlakeRef.parse(c.input, profile: profile)
        } catch {
            #expect(error.message == c.message)
        }
    }

    @Test(arguments: nix28Errors)
    func nix28(_ c: ErrorCase) { check(c, .nix28) }

    @Test(arguments: currentErrors)
    func current(_ c: ErrorCase) { check(c, .nix) }

    struct AttrError: Sendable, CustomTestStringConvertible {
        var attrs: Attrs
        var nix28: String
        var current: String
        var testDescription: String { nix28 }
    }

    static let attrErrors: [AttrError] = [
        AttrError(
            attrs: ["type": "github", "owner": "o", "repo": "r", "foo": "x"],
            nix28: "unsupported input attribute 'foo'",
            current: "input attribute 'foo' not supported by scheme 'github'"),
        AttrError(
            attrs: ["type": "git", "url": "file:///x", "bar": 1], nix28: "unsupported Git input attribute 'bar'",
            current: "input attribute 'bar' not supported by scheme 'git'"),
        AttrError(
            attrs: ["type": "tarball", "url": "https://h/x.tar.gz", "lastModified": 1],
            nix28: "unsupported tarball input attribute 'lastModified'", current: ""),
        AttrError(
            attrs: ["type": "tarball", "url": "https://h/x.tar.gz", "__final": true],
            nix28: "unsupported tarball input attribute '__final'", current: ""),
        AttrError(
            attrs: ["type": "path", "path": "/x", "dir2": "y"], nix28: "unsupported path input attribute 'dir2'",
            current: "input attribute 'dir2' not supported by scheme 'path'"),
        AttrError(
            attrs: ["type": "indirect", "id": "x", "url": "y"], nix28: "unsupported indirect input attribute 'url'",
            current: "input attribute 'url' not supported by scheme 'indirect'"),
        AttrError(
            attrs: ["type": "hg", "url": "https://h/r", "x": "y"], nix28: "unsupported Mercurial input attribute 'x'",
            current: "input attribute 'x' not supported by scheme 'hg'"),
        AttrError(
            attrs: ["owner": "o"], nix28: "",
            current: "'type' attribute to specify input scheme is required but not provided"),
        AttrError(
            attrs: ["type": "github", "owner": "o"], nix28: "input attribute 'repo' is missing",
            current: "input attribute 'repo' is missing"),
        AttrError(
            attrs: ["type": "github", "owner": "o", "repo": "r", "rev": "xyz"],
            nix28: "hash 'xyz' has wrong length for hash type 'sha1'",
            current: "hash 'xyz' has wrong length for hash type 'sha1'"),
    ]

    @Test(arguments: attrErrors)
    func attrsForm(_ c: AttrError) {
        for (profile, expected) in [(CompatProfile.nix28, c.nix28), (.nix, c.current)] {
            do {
                _ = try FlakeRef.fromAttrs(c.attrs, profile: profile)
                #expect(expected.isEmpty, "\(profile) accepted \(c.attrs)")
            } catch {
                #expect(error.message == expected, "\(profile)")
            }
        }
    }

    @Test func unsupportedTypeCannotBeShown() throws {
        let ref = try FlakeRef.fromAttrs(["type": "fossil", "url": "x"], profile: .nix28)
        #expect(
            throws: FlakeRefError(
                .unsupportedType, "cannot show unsupported input '{\"type\":\"fossil\",\"url\":\"x\"}'")
        ) {
            _ = try ref.toURLString(profile: .nix28)
        }
    }
}
