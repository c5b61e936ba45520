// libFuzzer entry point for NixSyntax. Built by Scripts/fuzz-nixsyntax.sh together with the
// NixSyntax and FlakeLockBasics sources as one module (so `internal` API is visible).

/// Parses arbitrary bytes as Nix, prints what parses, and reads it as a flake. Any crash,
/// hang or sanitizer report is a bug; thrown errors are expected.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNixSyntax(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let expr = try? NixParser.parse(bytes: bytes, file: "fuzz.nix") {
        _ = expr.canonicalDescription
    }
    let text = String(decoding: bytes, as: UTF8.self)
    _ = try? FlakeFileReader.read(text: text, file: "fuzz.nix", flakeName: "fuzz")
    _ = try? FollowsPath.components(of: text)
    return 0
}
