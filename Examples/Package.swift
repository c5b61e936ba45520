// swift-tools-version:6.1
// An example program using flakelock's library product `FlakeLock` (module FlakeLockAPI)
// from another package. Build it from this directory: `swift build`. The dependency is named
// explicitly: a path dependency is otherwise named after its directory, which need not be
// `flakelock` (a clone, a worktree).
import PackageDescription

let package = Package(
    name: "flakelock-examples",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(name: "flakelock", path: "..")
    ],
    targets: [
        .executableTarget(
            name: "flakelock-example",
            dependencies: [.product(name: "FlakeLock", package: "flakelock")])
    ],
    swiftLanguageModes: [.v6]
)
