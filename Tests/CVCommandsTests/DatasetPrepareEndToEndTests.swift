import CVTestSupport
import Foundation
import Testing

/// `cvctl dataset prepare` on awkward file names: every image keeps its own prepared pixels and boxes.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct DatasetPrepareEndToEndTests {
    /// `a.jpg` and `a.png` both become JPEGs named `a.jpg`: the second must not replace the first.
    @Test func imagesSharingAStemArePreparedSeparately() async throws {
        let env = try CLITestEnvironment(server: nil)
        defer { env.remove() }
        let source = env.directory.appendingPathComponent("source")
        try FileManager.default.createDirectory(at: source, withIntermediateDirectories: true)
        let images = [("a.jpg", "neu-det-mini/train/IMAGES/inclusion_1.jpg", 200, 200, "square"),
                      ("a.png", "images/generated/rgb.png", 80, 60, "wide")]
        for (name, fixture, width, height, tag) in images {
            try FileManager.default.copyItem(at: FixturePaths.fixture(fixture), to: source.appendingPathComponent(name))
            let xml = "<annotation><filename>\(name)</filename><size><width>\(width)</width><height>\(height)"
                + "</height></size><object><name>\(tag)</name><bndbox><xmin>0</xmin><ymin>0</ymin>"
                + "<xmax>\(width / 2)</xmax><ymax>\(height / 2)</ymax></bndbox></object></annotation>"
            try Data(xml.utf8).write(to: source.appendingPathComponent(name.replacingOccurrences(of: ".", with: "-")
                + ".xml"))
        }
        let out = env.directory.appendingPathComponent("prepared")
        let output = try await env.cvctl(["dataset", "prepare", source.path, "--format", "voc", "--out", out.path,
                                          "--size", "64"])
        #expect(output.status == 0, "\(output.stderr)")
        let written = try FileManager.default.contentsOfDirectory(atPath: out.appendingPathComponent("JPEGImages").path)
        #expect(written.sorted() == ["a-2.jpg", "a.jpg"])
        let square = try String(contentsOf: out.appendingPathComponent("Annotations/a.xml"), encoding: .utf8)
        let wide = try String(contentsOf: out.appendingPathComponent("Annotations/a-2.xml"), encoding: .utf8)
        #expect(square.contains("<filename>a.jpg</filename>") && square.contains("<name>square</name>"))
        #expect(wide.contains("<filename>a-2.jpg</filename>") && wide.contains("<name>wide</name>"))
        let jpegs = try ["a.jpg", "a-2.jpg"].map { try Data(contentsOf: out.appendingPathComponent("JPEGImages/\($0)")) }
        #expect(jpegs[0] != jpegs[1])
    }
}
