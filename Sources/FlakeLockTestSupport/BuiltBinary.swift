import Foundation

/// Locates executables built by SwiftPM next to the running test bundle.
public enum BuiltBinary {
    /// The directory of the running test binary (`.build/<triple>/debug`).
    public static var productsDirectory: String {
        let arg0 = CommandLine.arguments.first { $0.contains(".xctest") } ?? CommandLine.arguments[0]
        var dir = URL(fileURLWithPath: arg0).deletingLastPathComponent()
        // On macOS the bundle is a directory: …/X.xctest/Contents/MacOS/X.
        while dir.path.contains(".xctest") { dir = dir.deletingLastPathComponent() }
        return dir.path
    }

    /// Path of the built `flakelock` executable.
    public static var flakelock: String { productsDirectory + "/flakelock" }

    /// Runs the built `flakelock` with `arguments`.
    public static func runFlakelock(
        _ arguments: [String], environment: [String: String]? = nil, currentDirectory: String? = nil
    ) throws -> ProcessRunner.Output {
        try ProcessRunner.run(flakelock, arguments, environment: environment, currentDirectory: currentDirectory)
    }
}
