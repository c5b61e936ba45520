// Micro-benchmarks that the benchmark scripts use as reference figures. Not a test.
//   flakelock-bench sha256 [MiB]   single-core SHA-256 throughput of swift-crypto on 64 KiB buffers
import Crypto
import Foundation

func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

let args = CommandLine.arguments.dropFirst()
switch args.first {
case "sha256":
    let mib = args.dropFirst().first.flatMap(Int.init) ?? 1024
    let buffer = [UInt8](repeating: 0x5a, count: 64 * 1024)
    var best = 0.0
    for _ in 0..<3 {
        var h = SHA256()
        let start = now()
        for _ in 0..<(mib * 16) { buffer.withUnsafeBytes { h.update(bufferPointer: $0) } }
        _ = h.finalize()
        best = max(best, Double(mib) / (now() - start))
    }
    print(String(format: "sha256_mib_per_s %.1f", best))
default:
    FileHandle.standardError.write(Data("usage: flakelock-bench sha256 [MiB]\n".utf8))
    exit(2)
}
