import Foundation
@_exported import CustomVisionCore

// `Tag` names both the model and Swift Testing's `Tag`. A public typealias here would only add a third candidate:
// a test file that needs the model writes `CustomVisionCore.Tag` or declares a file-private typealias.

/// Paths of the repository's fixtures and of the shared datasets beside the repository.
public enum FixturePaths {
    /// The repository root, found from this file's path.
    public static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `Fixtures/` in the repository.
    public static let fixtures = root.appendingPathComponent("Fixtures")

    /// A file or folder under `Fixtures/`.
    public static func fixture(_ relativePath: String) -> URL { fixtures.appendingPathComponent(relativePath) }

    /// `../shared` beside the repository, when present (CI has it; a user's clone does not).
    public static let shared: URL? = {
        let url = root.deletingLastPathComponent().appendingPathComponent("shared")
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }()

    /// `../shared/datasets/NEU-DET` when present.
    public static var neuDET: URL? { shared?.appendingPathComponent("datasets/NEU-DET") }

    /// `../shared/datasets/tiny-coco` when present.
    public static var tinyCOCO: URL? { shared?.appendingPathComponent("datasets/tiny-coco") }
}
