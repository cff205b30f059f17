import CVTestSupport
@testable import CustomVisionDatasets
import Foundation
import Testing

/// Text files written on Windows (`\r\n`) or old Macs (`\r`) read as their `\n` twins do: YOLO labels, classes.txt,
/// data.yaml, manifests, CSV and VOC.
struct LineEndingTests {
    /// A copy of the fixture dataset `name` whose text files end their lines with `ending`.
    private func copy(_ name: String, ending: String) throws -> URL {
        let fm = FileManager.default
        let copy = fm.temporaryDirectory.appendingPathComponent("cv-eol-\(UUID().uuidString)")
        try fm.copyItem(at: DatasetFixtures.url(name), to: copy)
        for path in try fm.subpathsOfDirectory(atPath: copy.path)
        where ["txt", "yaml", "jsonl", "csv", "xml", "names"].contains((path as NSString).pathExtension) {
            let file = copy.appendingPathComponent(path)
            let text = try String(contentsOf: file, encoding: .utf8)
            try text.replacingOccurrences(of: "\n", with: ending).write(to: file, atomically: true, encoding: .utf8)
        }
        return copy
    }

    /// What comparing two reads looks at: images (name, tags, regions with boxes to 1e-9) and tags.
    private func summary(_ dataset: Dataset) -> [String] {
        dataset.tags + dataset.images.map { image in
            "\(image.path.lastPathComponent) \(image.tags) "
                + image.regions.map { r in
                    "\(r.tag) " + [r.box.left, r.box.top, r.box.width, r.box.height]
                        .map { String(format: "%.9f", $0) }.joined(separator: ",")
                }.joined(separator: ";")
        }
    }

    @Test(arguments: ["yolo", "manifest", "csv-detection", "csv-classification", "voc"], ["\r\n", "\r"])
    func aDatasetReadsTheSameWhateverItsLineEndings(name: String, ending: String) throws {
        let (expected, expectedFindings) = try DatasetReader.read(at: DatasetFixtures.url(name))
        let folder = try copy(name, ending: ending)
        defer { try? FileManager.default.removeItem(at: folder) }
        let (dataset, findings) = try DatasetReader.read(at: folder)
        #expect(findings.map(\.code) == expectedFindings.map(\.code), "\(findings)")
        #expect(!expected.images.isEmpty)
        #expect(summary(dataset) == summary(expected))
    }

    @Test func aWindowsClassesFileNamesEachClassOnItsLine() throws {
        let folder = try copy("yolo", ending: "\r\n")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.removeItem(at: folder.appendingPathComponent("data.yaml"))
        try "cat\r\ndog\r\n".write(to: folder.appendingPathComponent("classes.txt"), atomically: true, encoding: .utf8)
        let (dataset, findings) = try DatasetReader.read(at: folder, format: .yolo)
        #expect(findings.isEmpty, "\(findings)")
        #expect(dataset.tags == ["cat", "dog"])
        #expect(dataset.regionCount > 0)
    }

    @Test func textLinesSplitsEveryLineEndingAndKeepsEmptyLines() {
        #expect("a\r\nb\n\nc\rd".textLines() == ["a", "b", "", "c", "d"])
        #expect("a\r\n".textLines() == ["a", ""])
        #expect("".textLines() == [""])
    }
}
