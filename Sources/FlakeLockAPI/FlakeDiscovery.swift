import FlakeLockBasics
import Foundation
import NixSyntax

/// Finds the flakes of a monorepo for `lock --recursive` and `update --recursive`, and the
/// order in which they are locked (docs/recursive.md).
package enum FlakeDiscovery {
    /// A flake found under the root directory.
    package struct Flake: Sendable, Equatable {
        /// Its directory relative to the root (`.` for the root itself).
        package var relativePath: String
        /// Its absolute directory.
        package var directory: String
        /// The relative paths of the other flakes it reaches by a local path (`path:../lib`,
        /// `../lib`, `git+file:../lib`): those are locked first.
        package var dependencies: [String] = []
    }

    /// The flake directories under `root` (absolute, without a trailing slash), sorted by
    /// relative path. Inside a Git work tree: the tracked and the untracked-but-not-ignored
    /// `flake.nix` files (`git ls-files`); elsewhere a walk that skips hidden and symlinked
    /// directories. Directories matching an `exclude` glob (fnmatch, against the relative
    /// path) are left out.
    package static func find(in root: String, exclude: [String]) async throws -> [Flake] {
        let listed = try await gitFiles(root)
        let files: [String]
        if let listed { files = listed } else { files = try await BlockingExecutor.shared.run { walk(root) } }
        var dirs: Set<String> = []
        for file in files where file == "flake.nix" || file.hasSuffix("/flake.nix") {
            let rel = file == "flake.nix" ? "." : String(file.dropLast("/flake.nix".count))
            guard !excluded(rel, patterns: exclude) else { continue }
            // A tracked file deleted from the work tree is still listed by `git ls-files`.
            guard FileManager.default.fileExists(atPath: root + "/" + file) else { continue }
            dirs.insert(rel)
        }
        var flakes = dirs.sorted().map {
            Flake(relativePath: $0, directory: $0 == "." ? root : root + "/" + $0)
        }
        for i in flakes.indices {
            let text = FileManager.default.contents(atPath: flakes[i].directory + "/flake.nix")
                .map { String(decoding: $0, as: UTF8.self) }
            let targets = text.map { localTargets(of: $0, in: flakes[i].directory) } ?? []
            flakes[i].dependencies = flakes.filter { other in
                other.relativePath != flakes[i].relativePath
                    && targets.contains { other.directory == $0 || other.directory.hasPrefix($0 + "/") }
            }.map(\.relativePath)
        }
        return flakes
    }

    /// `git ls-files --cached --others --exclude-standard` under `root`, or nil outside a
    /// Git work tree.
    static func gitFiles(_ root: String) async throws -> [String]? {
        let inside = try await ExternalCommand.run("git", ["-C", root, "rev-parse", "--is-inside-work-tree"])
        guard inside.succeeded, inside.stdoutText.hasPrefix("true") else { return nil }
        let out = try await ExternalCommand.run(
            "git", ["-C", root, "ls-files", "--cached", "--others", "--exclude-standard", "-z"])
        guard out.succeeded else { throw MessageError("cannot list the files of '\(root)': \(out.stderr)") }
        return out.stdoutText.split(separator: "\0").map(String.init)
    }

    /// Every file under `root` (relative paths), not entering hidden or symlinked directories.
    static func walk(_ root: String) -> [String] {
        var out: [String] = []
        var pending = [""]
        let fm = FileManager.default
        while let rel = pending.popLast() {
            let dir = rel.isEmpty ? root : root + "/" + rel
            for name in (try? fm.contentsOfDirectory(atPath: dir)) ?? [] {
                let child = rel.isEmpty ? name : rel + "/" + name
                let type = (try? fm.attributesOfItem(atPath: root + "/" + child))?[.type] as? FileAttributeType
                if type == .typeDirectory {
                    if !name.hasPrefix(".") { pending.append(child) }
                } else {
                    out.append(child)
                }
            }
        }
        return out
    }

    /// Whether `relativePath` matches one of the fnmatch `patterns`.
    package static func excluded(_ relativePath: String, patterns: [String]) -> Bool {
        patterns.contains { fnmatch($0, relativePath, 0) == 0 }
    }

    /// The absolute directories that the inputs of a `flake.nix` in `directory` name by a
    /// local path (`path:`, `git+file:`, a bare relative or absolute path, a path literal,
    /// `{ type = "path"; path = …; }`), at any depth of `inputs`. A file that does not parse
    /// has none (its error is reported when it is locked).
    static func localTargets(of text: String, in directory: String) -> [String] {
        guard let file = try? FlakeFileReader.read(text: text, file: directory + "/flake.nix") else { return [] }
        var out: [String] = []
        func visit(_ decls: [InputDecl]) {
            for d in decls {
                var path: String?
                switch d.url {
                case .string(let s)?: path = localPath(s)
                case .path(let p)?: path = p
                case nil:
                    if case .string(let type)? = d.attribute("type"), type == "path" || type == "git",
                        case .string(let p)? = d.attribute(type == "path" ? "path" : "url")
                    {
                        path = localPath(p) ?? p
                    }
                }
                if let path, path.hasPrefix("/") || path.hasPrefix(".") {
                    out.append(Self.canonical(path.hasPrefix("/") ? path : directory + "/" + path))
                }
                visit(d.inputs)
            }
        }
        visit(file.inputs)
        return out
    }

    /// The path of a local flake URL (`path:P`, `git+file:P`, `git+file://P`, `./P`, `../P`,
    /// `/P`), without its query; nil for any other URL.
    static func localPath(_ url: String) -> String? {
        var s = Substring(url)
        for prefix in ["path://", "path:", "git+file://", "git+file:"] where s.hasPrefix(prefix) {
            s = s.dropFirst(prefix.count)
            break
        }
        if let q = s.firstIndex(where: { $0 == "?" || $0 == "#" }) { s = s[..<q] }
        guard s.hasPrefix("/") || s.hasPrefix("./") || s.hasPrefix("../") || s == "." || s == ".." else { return nil }
        return s.removingPercentEncoding ?? String(s)
    }

    /// `path` with `.`, `..` and repeated slashes resolved, without a trailing slash.
    package static func canonical(_ path: String) -> String {
        var parts: [Substring] = []
        for c in path.split(separator: "/") {
            if c == "." { continue }
            if c == ".." {
                _ = parts.popLast()
            } else {
                parts.append(c)
            }
        }
        return "/" + parts.joined(separator: "/")
    }

    /// The flakes in locking order: each after the flakes it depends on, otherwise by
    /// relative path. Flakes on a dependency cycle are returned apart (each with the cycle's
    /// members); flakes that depend on them still run, after the rest of their dependencies.
    package static func order(_ flakes: [Flake]) -> (ordered: [Flake], cycles: [String: [String]]) {
        let byPath = Dictionary(uniqueKeysWithValues: flakes.map { ($0.relativePath, $0) })
        // Strongly connected components (Tarjan) find the cycles.
        var index: [String: Int] = [:]
        var low: [String: Int] = [:]
        var stack: [String] = []
        var onStack: Set<String> = []
        var cycles: [String: [String]] = [:]
        var next = 0
        func connect(_ v: String) {
            index[v] = next
            low[v] = next
            next += 1
            stack.append(v)
            onStack.insert(v)
            for w in byPath[v]?.dependencies ?? [] {
                if index[w] == nil {
                    connect(w)
                    low[v] = min(low[v]!, low[w]!)
                } else if onStack.contains(w) {
                    low[v] = min(low[v]!, index[w]!)
                }
            }
            guard low[v] == index[v] else { return }
            var component: [String] = []
            while let w = stack.popLast() {
                onStack.remove(w)
                component.append(w)
                if w == v { break }
            }
            if component.count > 1 {
                for w in component { cycles[w] = component.sorted() }
            }
        }
        for f in flakes where index[f.relativePath] == nil { connect(f.relativePath) }

        // Kahn's algorithm over the rest, the smallest ready path first.
        var remaining = flakes.filter { cycles[$0.relativePath] == nil }
        var done: Set<String> = Set(cycles.keys)
        var ordered: [Flake] = []
        while !remaining.isEmpty {
            guard let i = remaining.firstIndex(where: { $0.dependencies.allSatisfy(done.contains) }) else { break }
            let f = remaining.remove(at: i)
            done.insert(f.relativePath)
            ordered.append(f)
        }
        return (ordered, cycles)
    }
}
