import CVTestSupport
import CustomVisionDatasets
import Foundation
import Testing

/// A fresh folder under the system temporary directory, removed when released.
final class TemporaryFolder {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("cvds-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    /// Writes `text` at `path` (folders created) and returns its URL.
    @discardableResult
    func write(_ text: String, to path: String) throws -> URL {
        try write(Data(text.utf8), to: path)
    }

    @discardableResult
    func write(_ data: Data, to path: String) throws -> URL {
        let file = url.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: file)
        return file
    }

    /// Copies a fixture image into the folder.
    func copyImage(_ fixture: String, to path: String) throws {
        try write(try Data(contentsOf: FixturePaths.fixture(fixture)), to: path)
    }
}

/// The fixtures of this module.
enum DatasetFixtures {
    static func url(_ name: String) -> URL { FixturePaths.fixture("datasets/\(name)") }
    static let neuMiniTrain = FixturePaths.fixture("neu-det-mini/train")
    static let neuMiniHeldout = FixturePaths.fixture("neu-det-mini/heldout")
}

/// Expects `box` to equal left/top/width/height within `tolerance`.
func expectBox(
    _ box: BoundingBox?, _ left: Double, _ top: Double, _ width: Double, _ height: Double, tolerance: Double = 1e-9,
    sourceLocation: Testing.SourceLocation = #_sourceLocation
) {
    guard let box else {
        Issue.record("no box", sourceLocation: sourceLocation)
        return
    }
    let close =
        abs(box.left - left) <= tolerance && abs(box.top - top) <= tolerance
        && abs(box.width - width) <= tolerance && abs(box.height - height) <= tolerance
    #expect(close, "\(box) != (\(left), \(top), \(width), \(height))", sourceLocation: sourceLocation)
}

extension Dataset {
    /// The image whose file is named `name`.
    func image(named name: String) -> DatasetImage? { images.first { $0.path.lastPathComponent == name } }
}
