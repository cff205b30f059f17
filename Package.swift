// swift-tools-version: 6.2
import Foundation
import PackageDescription

// Shared settings (hummingbird's Package.swift does the same). InternalImportsByDefault is left off: Foundation
// types (URL, Date, Data) are part of nearly every public signature here, so it would only add `public import` noise.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

// The trainer's numeric loops run ~10x slower unoptimized. `make` sets CV_OPTIMIZE_TRAINER=1 so that debug builds
// (tests, demo, a debug cvserver) optimize that one module. It is opt-in so that an app depending on this package
// builds its debug configuration as it asks. (SwiftPM refused unsafe flags in a versioned dependency before tools
// version 6.2; with 6.2, which this manifest requires, a package depending on a tag of this one builds, the C
// targets' debug -O2 below included: checked with SwiftPM 6.3.)
let optimizeTrainer = ProcessInfo.processInfo.environment["CV_OPTIMIZE_TRAINER"] == "1"
let trainerSettings = swiftSettings + (optimizeTrainer ? [.unsafeFlags(["-O"], .when(configuration: .debug))] : [])

let package = Package(
    name: "swift-custom-vision",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "CustomVisionCore", targets: ["CustomVisionCore"]),
        .library(name: "CustomVisionHTTP", targets: ["CustomVisionHTTP"]),
        .library(name: "ImagePrep", targets: ["ImagePrep"]),
        .library(name: "CustomVisionDatasets", targets: ["CustomVisionDatasets"]),
        .library(name: "CustomVisionTraining", targets: ["CustomVisionTraining"]),
        .library(name: "CustomVisionServer", targets: ["CustomVisionServer"]),
        .executable(name: "cvctl", targets: ["cvctl"]),
        .executable(name: "cvserver", targets: ["cvserver"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
        // Imported by the server next to Hummingbird (which depends on them): declared, not borrowed.
        .package(url: "https://github.com/apple/swift-nio", from: "2.81.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.0.0"),
    ],
    targets: [
        // C libraries: each imported by exactly one Swift module.
        // libcurl, loaded with dlopen (see Sources/CCurl/include/shim.h): its headers come from libcurl4-openssl-dev.
        .target(
            name: "CCurl",
            linkerSettings: [.linkedLibrary("dl", .when(platforms: [.linux])),
                             .linkedLibrary("pthread", .when(platforms: [.linux]))]
        ),
        .systemLibrary(
            name: "CTurboJPEG",
            pkgConfig: "libturbojpeg",
            providers: [.apt(["libturbojpeg0-dev"]), .brew(["jpeg-turbo"])]
        ),
        .systemLibrary(
            name: "CPNG",
            pkgConfig: "libpng",
            providers: [.apt(["libpng-dev"]), .brew(["libpng"])]
        ),
        // Our own C: SHA-256 on the x86-64 SHA extensions (a stub elsewhere), for CustomVisionCore.SHA256.
        .target(name: "CSHA256"),
        // Our own C: the bulk of base64 encoding and decoding with AVX2 (a stub elsewhere), for
        // CustomVisionCore.Base64Codec.
        .target(name: "CBase64", cSettings: [.unsafeFlags(["-O2"], .when(configuration: .debug))]),
        // Our own C: AVX versions of the trainer's hot loops (bit-identical to the Swift ones), for
        // CustomVisionTraining.
        .target(name: "CSIMDKernels", cSettings: [.unsafeFlags(["-O2"], .when(configuration: .debug))]),

        .target(name: "CustomVisionCore", dependencies: ["CSHA256", "CBase64"], swiftSettings: swiftSettings),
        .target(
            name: "CustomVisionHTTP",
            dependencies: [
                "CustomVisionCore", "CCurl",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "ImagePrep", dependencies: ["CustomVisionCore", "CTurboJPEG", "CPNG"], swiftSettings: swiftSettings
        ),
        .target(name: "CustomVisionDatasets", dependencies: ["CustomVisionCore"], swiftSettings: swiftSettings),
        .target(
            name: "CustomVisionTraining",
            dependencies: ["CustomVisionCore", "ImagePrep", "CSIMDKernels"],
            swiftSettings: trainerSettings
        ),
        .target(
            name: "CustomVisionServer",
            dependencies: [
                "CustomVisionCore", "ImagePrep", "CustomVisionTraining",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "HashTreeCollections", package: "swift-collections"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "cvserver",
            dependencies: [
                "CustomVisionServer",
                "ImagePrep",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CVCommands",
            dependencies: [
                "CustomVisionCore", "CustomVisionHTTP", "ImagePrep", "CustomVisionDatasets",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(name: "cvctl", dependencies: ["CVCommands"], swiftSettings: swiftSettings),
        .executableTarget(
            name: "cvbench",
            dependencies: [
                "CustomVisionCore", "ImagePrep", "CustomVisionDatasets", "CustomVisionTraining", "CustomVisionHTTP",
            ],
            swiftSettings: swiftSettings
        ),

        .target(
            name: "CVTestSupport",
            dependencies: ["CustomVisionCore"],
            path: "Tests/CVTestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CustomVisionCoreTests",
            dependencies: ["CustomVisionCore", "CVTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CustomVisionHTTPTests",
            dependencies: ["CustomVisionHTTP", "CVTestSupport", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "ImagePrepTests", dependencies: ["ImagePrep", "CVTestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "CustomVisionDatasetsTests",
            dependencies: ["CustomVisionDatasets", "CVTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CustomVisionTrainingTests",
            dependencies: ["CustomVisionTraining", "CustomVisionDatasets", "ImagePrep", "CVTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CustomVisionServerTests",
            dependencies: [
                "CustomVisionServer", "CustomVisionHTTP", "CustomVisionDatasets", "CustomVisionTraining", "ImagePrep",
                "CVTestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "HashTreeCollections", package: "swift-collections"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CVCommandsTests",
            dependencies: ["CVCommands", "CustomVisionServer", "CVTestSupport"],
            swiftSettings: swiftSettings
        ),
    ]
)
