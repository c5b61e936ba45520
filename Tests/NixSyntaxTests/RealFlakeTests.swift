import FlakeLockBasics
import Foundation
import Testing

@testable import NixSyntax

/// Real `flake.nix` files from public repositories, each with its `flake.lock` from the
/// same commit (see each directory's SOURCE). The inputs we read must agree with what Nix
/// recorded in the lock file's root node.
struct RealFlakeTests {
    static let corpus: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().appendingPathComponent("Vectors/RealFlakes")

    static var directories: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: corpus.path)) ?? []
        return names.sorted()
    }

    @Test func corpusIsPresent() {
        #expect(Self.directories.count >= 30)
    }

    @Test(arguments: directories)
    func inputsAgreeWithLockFile(_ name: String) throws {
        let directory = Self.corpus.appendingPathComponent(name)
        let text = try String(contentsOf: directory.appendingPathComponent("flake.nix"), encoding: .utf8)
        let lockData = try Data(contentsOf: directory.appendingPathComponent("flake.lock"))
        let flake = try FlakeFileReader.read(text: text, file: "\(name)/flake.nix", flakeName: name)
        let lock = try #require(try JSONSerialization.jsonObject(with: lockData) as? [String: Any])
        let nodes = try #require(lock["nodes"] as? [String: Any])
        let rootKey = try #require(lock["root"] as? String)
        let root = try #require(nodes[rootKey] as? [String: Any])
        let rootInputs = root["inputs"] as? [String: Any] ?? [:]

        var declared = Set(flake.inputs.map(\.name))
        for formal in flake.outputsFormals ?? [] where formal != "self" && !declared.contains(formal) {
            declared.insert(formal)
            let edge = try #require(rootInputs[formal] as? String, "implicit input \(formal)")
            let original = (nodes[edge] as? [String: Any])?["original"] as? [String: Any] ?? [:]
            #expect(original["type"] as? String == "indirect" && original["id"] as? String == formal)
        }
        #expect(Set(rootInputs.keys) == declared, "declared inputs vs. lock root inputs")

        for input in flake.inputs {
            try check(input, edge: rootInputs[input.name], nodes: nodes)
        }
    }

    private func check(_ input: InputDecl, edge: Any?, nodes: [String: Any]) throws {
        if let follows = input.follows {
            let path = try #require(edge as? [String], "input \(input.name) should follow")
            #expect(path == (try FollowsPath.components(of: follows)), "follows of \(input.name)")
            return
        }
        let key = try #require(edge as? String, "input \(input.name) should be a node")
        let node = try #require(nodes[key] as? [String: Any])
        let original = try #require(node["original"] as? [String: Any], "original of \(input.name)")
        let isFlake = node["flake"] as? Bool ?? true
        #expect(isFlake == (input.flake ?? true), "flake = false on \(input.name)")

        var expected: [String: String] = [:]
        for attribute in input.attributes {
            switch attribute.value {
            case .string(let s): expected[attribute.name] = s
            case .int(let n): expected[attribute.name] = String(n)
            case .bool(let b): expected[attribute.name] = String(b)
            }
        }
        if input.attribute("type") != nil {
            if case .string(let url) = input.url { expected["url"] = url }
        } else if case .string(let url) = input.url,
            let attrs = URLSplitter.attributes(of: url, isFlake: input.flake ?? true)
        {
            expected.merge(attrs) { a, _ in a }
        } else if input.url == nil {
            expected = ["type": "indirect", "id": input.name]
        }
        if case .path = input.url {
        } else {
            #expect(!expected.isEmpty, "nothing to compare for \(input.name)")
        }
        for (name, value) in expected {
            #expect(Self.string(original[name]) == value, "\(input.name).\(name)")
        }

        // Overrides of the input's own inputs that use `follows` appear in its node.
        let nodeInputs = node["inputs"] as? [String: Any] ?? [:]
        for override in input.inputs {
            guard let follows = override.follows else { continue }
            let path = nodeInputs[override.name] as? [String]
            #expect(path == (try FollowsPath.components(of: follows)), "\(input.name)/\(override.name) follows")
        }
    }

    private static func string(_ value: Any?) -> String? {
        switch value {
        case let s as String: return s
        case let b as Bool: return String(b)
        case let n as NSNumber: return n.stringValue
        default: return nil
        }
    }
}

/// A deliberately small splitter for the URL forms common in flake.nix files, giving the
/// attributes Nix stores in `original`. Returns nil for forms it does not know.
enum URLSplitter {
    /// - Parameter isFlake: a flake input must be a tree, so an `http(s)` URL without an
    ///   archive extension is a tarball there (FlakeHub's `https://flakehub.com/f/…`) and a
    ///   `file` input otherwise (Nix's `TarballInputScheme::isValidURL` with `requireTree`).
    static func attributes(of url: String, isFlake: Bool = true) -> [String: String]? {
        var base = url
        var query: [String: String] = [:]
        if let q = url.firstIndex(of: "?") {
            base = String(url[..<q])
            for pair in url[url.index(after: q)...].split(separator: "&") {
                let kv = pair.split(separator: "=", maxSplits: 1).map(String.init)
                if kv.count == 2 { query[kv[0]] = kv[1].removingPercentEncoding ?? kv[1] }
            }
        }
        var attrs = query
        if let colon = base.firstIndex(of: ":") {
            let scheme = String(base[..<colon])
            let rest = String(base[base.index(after: colon)...])
            switch scheme {
            case "github", "gitlab", "sourcehut":
                let parts = rest.split(separator: "/", maxSplits: 2).map(String.init)
                guard parts.count >= 2 else { return nil }
                attrs["type"] = scheme
                attrs["owner"] = parts[0]
                attrs["repo"] = parts[1]
                if parts.count == 3 {
                    let isRev = parts[2].count == 40 && parts[2].allSatisfy(\.isHexDigit)
                    attrs[isRev ? "rev" : "ref"] = parts[2]
                }
            case let s where s.hasPrefix("git+"):
                attrs["type"] = "git"
                attrs["url"] = String(s.dropFirst(4)) + ":" + rest
            case "path":
                attrs["type"] = "path"
                attrs["path"] = rest
            case "http", "https":
                let archive = [".tar.gz", ".tgz", ".tar.xz", ".tar.bz2", ".zip", ".tar.zst", ".tar"]
                attrs["type"] = archive.contains(where: { base.hasSuffix($0) }) || isFlake ? "tarball" : "file"
                attrs["url"] = url
            case "flake":
                return indirect(rest, attrs)
            default:
                return nil
            }
            return attrs
        }
        return indirect(base, attrs)
    }

    private static func indirect(_ text: String, _ query: [String: String]) -> [String: String]? {
        let parts = text.split(separator: "/", maxSplits: 1).map(String.init)
        guard let id = parts.first, FollowsPath.isFlakeID(Substring(id)) else { return nil }
        var attrs = query
        attrs["type"] = "indirect"
        attrs["id"] = id
        if parts.count == 2 { attrs["ref"] = parts[1] }
        return attrs
    }
}
