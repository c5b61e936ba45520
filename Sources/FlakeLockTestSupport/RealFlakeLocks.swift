import FlakeModel

/// Facts about the real flakes of the test corpus (`Tests/NixSyntaxTests/Vectors/RealFlakes`)
/// shared by the no-op lock tests and the public-flakes benchmark.
public enum RealFlakeLocks {
    /// Direct inputs whose lock node has a follows edge that flake.nix does not declare as
    /// an override: Nix refetches those instead of reusing the lock (docs/nix-behaviour.md,
    /// "Real lock files"). Declared overrides appear as `<name>.inputs.<child>` (or nested set
    /// forms); a textual check is enough to classify the corpus.
    public static func inputsNixRefetches(lock: LockFile, flakeNix: String) -> [String] {
        var out: [String] = []
        for (name, edge) in lock.root.sortedInputs {
            guard case .node(let node) = edge else { continue }
            for (child, childEdge) in node.sortedInputs {
                guard case .follows = childEdge else { continue }
                let declared =
                    flakeNix.contains("\(name).inputs.\(child)") || flakeNix.contains("inputs.\(child).follows")
                if !declared { out.append(name) }
            }
        }
        return out
    }
}
