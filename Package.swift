// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "flakelock",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "flakelock", targets: ["flakelock"]),
        .library(name: "FlakeLockCore", targets: ["FlakeLockCore"]),
        // The library API for Swift programs. Its module is `FlakeLockAPI`: a module named
        // `FlakeLock` would collide with the `flakelock` executable's module and sources on
        // case-insensitive file systems (macOS).
        .library(name: "FlakeLock", targets: ["FlakeLockAPI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        // `swift package generate-documentation --target FlakeLockAPI` (DocC).
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        // System libraries. Only NativeTransport imports them, with `internal import`.
        .systemLibrary(
            name: "CLibGit2", pkgConfig: "libgit2",
            providers: [.apt(["libgit2-dev"]), .brew(["libgit2"])]),
        .systemLibrary(
            name: "CLibCurl", pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"]), .brew(["curl"])]),
        .systemLibrary(
            name: "CLibArchive", pkgConfig: "libarchive",
            providers: [.apt(["libarchive-dev"]), .brew(["libarchive"])]),

        .target(
            name: "FlakeLockBasics",
            dependencies: [.product(name: "Logging", package: "swift-log")]),
        .target(
            name: "NixCompat",
            dependencies: ["FlakeLockBasics", .product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "NixSyntax", dependencies: ["FlakeLockBasics"]),
        .target(name: "FlakeModel", dependencies: ["NixCompat", "FlakeLockBasics"]),
        .target(
            name: "Fetchers",
            dependencies: [
                "FlakeModel", "NixCompat", "FlakeLockBasics",
                .product(name: "Logging", package: "swift-log"),
            ]),
        .target(
            name: "NativeTransport",
            dependencies: ["Fetchers", "NixCompat", "FlakeLockBasics", "CLibGit2", "CLibCurl", "CLibArchive"]),
        .target(
            name: "FlakeLockCore",
            dependencies: [
                "Fetchers", "FlakeModel", "NixSyntax", "NixCompat", "FlakeLockBasics",
                .product(name: "Logging", package: "swift-log"),
            ]),
        .target(
            name: "FlakeLockAPI",
            dependencies: [
                "FlakeLockCore", "NativeTransport", "Fetchers", "FlakeModel", "NixCompat", "FlakeLockBasics",
                .product(name: "Logging", package: "swift-log"),
            ]),
        .target(
            name: "FlakeLockCommands",
            dependencies: [
                "FlakeLockAPI", "FlakeLockCore", "NativeTransport", "Fetchers", "FlakeModel", "NixSyntax", "NixCompat",
                "FlakeLockBasics",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .executableTarget(name: "flakelock", dependencies: ["FlakeLockCommands"]),
        // Reference figures for the benchmark scripts (Scripts/bench-*.sh); not shipped.
        .executableTarget(
            name: "flakelock-bench",
            dependencies: ["FlakeLockTestSupport", .product(name: "Crypto", package: "swift-crypto")]),

        .target(
            name: "FlakeLockTestSupport",
            dependencies: [
                "FlakeLockBasics", "NixCompat", "Fetchers", .product(name: "Crypto", package: "swift-crypto"),
            ]),

        .testTarget(name: "NixCompatTests", dependencies: ["NixCompat", "FlakeLockTestSupport"]),
        .testTarget(name: "NixSyntaxTests", dependencies: ["NixSyntax", "FlakeLockTestSupport"], exclude: ["Vectors"]),
        .testTarget(
            name: "FlakeModelTests", dependencies: ["FlakeModel", "FlakeLockTestSupport"], exclude: ["Vectors"]),
        .testTarget(name: "FetchersTests", dependencies: ["Fetchers", "NativeTransport", "FlakeLockTestSupport"]),
        .testTarget(
            name: "NativeTransportTests", dependencies: ["NativeTransport", "Fetchers", "FlakeLockTestSupport"]),
        .testTarget(
            name: "FlakeLockCoreTests", dependencies: ["FlakeLockCore", "NativeTransport", "FlakeLockTestSupport"],
            exclude: ["Fixtures"]),
        // The Nix 2.8 differential suite: needs Debian's nix-bin and the fake forge (openssl);
        // run on its own with `swift test --filter FlakeLockIntegrationTests` (docs/testing.md).
        .testTarget(name: "FlakeLockIntegrationTests", dependencies: ["FlakeLockCore", "FlakeLockTestSupport"]),
        .testTarget(
            name: "FlakeLockAPITests", dependencies: ["FlakeLockAPI", "Fetchers", "flakelock", "FlakeLockTestSupport"]),
        .testTarget(
            name: "FlakeLockCommandsTests",
            dependencies: ["FlakeLockCommands", "flakelock", "FlakeLockTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
