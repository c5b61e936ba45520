import ArgumentParser
import FlakeModel
import Foundation

/// Shell completion of input paths (`nixpkgs`, `home-manager/nixpkgs`) from the flake.lock
/// of the flake on the command line (`--flake DIR`, a positional directory for `why`, or
/// the current directory), as Nix's `completeFlakeInputAttrPath` offers them.
enum InputCompletion {
    static let kind = CompletionKind.custom { words, _, prefix in paths(words: words, prefix: prefix) }

    /// The input paths of the lock file, sorted, that start with `prefix`.
    static func paths(
        words: [String], prefix: String, currentDirectory: String = FileManager.default.currentDirectoryPath
    ) -> [String] {
        let dir = flakeDirectory(words: words) ?? "."
        let base = dir.hasPrefix("/") ? dir : currentDirectory + "/" + dir
        let lockPath = base.hasSuffix(".lock") ? base : base + "/flake.lock"
        guard let data = FileManager.default.contents(atPath: lockPath),
            let lock = try? LockFile.parse(Array(data), path: lockPath, profile: .nix, allowUnlocked: true)
        else { return [] }
        return lock.flattened().map(\.path.description).filter { $0.hasPrefix(prefix) }
    }

    /// The value of `--flake`, or a later word naming an existing directory or lock file.
    static func flakeDirectory(words: [String]) -> String? {
        if let i = words.firstIndex(of: "--flake"), i + 1 < words.count { return unquote(words[i + 1]) }
        return words.dropFirst(2).map(unquote).first { word in
            var isDir: ObjCBool = false
            return !word.hasPrefix("-") && FileManager.default.fileExists(atPath: word, isDirectory: &isDir)
                && (isDir.boolValue || word.hasSuffix("flake.lock"))
        }
    }

    /// Shell words come verbatim; drop surrounding quotes.
    static func unquote(_ word: String) -> String {
        guard word.count >= 2, let q = word.first, q == "'" || q == "\"", word.last == q else { return word }
        return String(word.dropFirst().dropLast())
    }
}
