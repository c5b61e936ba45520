/// A flake.nix with the given `inputs` body and `outputs` function.
public func flakeNix(_ inputs: String = "", outputs: String = "{ self, ... }: { }", description: String? = nil)
    -> String
{
    var s = "{\n"
    if let description { s += "  description = \"\(description)\";\n" }
    if !inputs.isEmpty {
        s += "  inputs = {\n" + inputs.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n") + "\n  };\n"
    }
    s += "  outputs = \(outputs);\n}\n"
    return s
}

/// A flake.nix without inputs.
public let leafFlake = "{\n  outputs = _: { };\n}\n"
