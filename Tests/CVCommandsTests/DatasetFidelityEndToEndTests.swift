import CVTestSupport
import Foundation
import Testing

/// Datasets through `cvctl dataset prepare`, `upload` and `dataset pull`: every image keeps its own pixels and boxes.
// The limit catches a hang; with the whole suite training models on 2 cores, a run can take several minutes.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct DatasetFidelityEndToEndTests {
    /// The folder `source` of `env` with `fixtures` copied in and `texts` written, both by file name.
    private func source(_ env: CLITestEnvironment, fixtures: [String: String], texts: [String: String]) throws -> URL {
        let source = env.directory.appendingPathComponent("source")
        try FileManager.default.createDirectory(at: source, withIntermediateDirectories: true)
        for (name, fixture) in fixtures {
            try FileManager.default.copyItem(at: FixturePaths.fixture(fixture), to: source.appendingPathComponent(name))
        }
        for (name, text) in texts { try Data(text.utf8).write(to: source.appendingPathComponent(name)) }
        return source
    }
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

    /// A JPEG (EXIF in APP1) or PNG (eXIf) stored 64×96 with orientation 6 (shown 96×64) and a VOC box on its
    /// stored pixels: `--no-prep` sends the box turned upright, as the service places it, and `dataset pull` turns it
    /// back to the stored pixels.
    @Test(arguments: ["jpg", "png"])
    func exifRotatedBoxesSurviveNoPrepUploadAndPull(format: String) async throws {
        let env = try CLITestEnvironment(server: try await ServerProcess())
        defer { env.remove() }
        let box = "<xmin>3</xmin><ymin>5</ymin><xmax>32</xmax><ymax>32</ymax>"
        let source = try source(env, fixtures: ["r.\(format)": "images/generated/orientation_6.\(format)"], texts: [
            "r.xml": "<annotation><filename>r.\(format)</filename><size><width>64</width><height>96</height></size>"
                + "<object><name>scratch</name><bndbox>\(box)</bndbox></object></annotation>",
        ])
        let project = try await env.createProject()
        let upload = try await env.cvctl(["upload", source.path, "--format", "voc", "--project", project, "--no-prep"])
        #expect(upload.status == 0, "\(upload.stderr)")

        let (_, listed) = try await env.json(["image", "list", "--project", project])
        let region = try #require(((listed as? [[String: Any]])?.first?["regions"] as? [[String: Any]])?.first)
        let upright = ["left": 1 - 32.0 / 96, "top": 3.0 / 64, "width": 27.0 / 96, "height": 29.0 / 64]
        for (key, value) in upright {
            #expect(abs((region[key] as? Double ?? -1) - value) < 1e-6, "\(key): \(region)")
        }

        let pulled = env.directory.appendingPathComponent("pulled")
        let pull = try await env.cvctl(["dataset", "pull", "--project", project, "--out", pulled.path])
        #expect(pull.status == 0, "\(pull.stderr)")
        let annotations = try FileManager.default.contentsOfDirectory(
            atPath: pulled.appendingPathComponent("Annotations").path)
        let xml = try String(contentsOf: pulled.appendingPathComponent("Annotations/\(annotations.first ?? "")"),
                             encoding: .utf8)
        #expect(xml.contains("<width>64</width>\n    <height>96</height>"), "\(xml)")
        #expect(xml.contains(box.replacingOccurrences(of: "><", with: ">\n      <")), "\(xml)")
    }

    /// A pulled project's Negative images come back tagged `Negative`; uploading them creates that tag as the
    /// Negative tag again, not a regular tag of that name.
    @Test func aNegativeTagIsUploadedAsNegative() async throws {
        let env = try CLITestEnvironment(server: try await ServerProcess())
        defer { env.remove() }
        let source = try source(
            env, fixtures: ["a.jpg": "neu-det-mini/train/IMAGES/inclusion_1.jpg",
                            "b.jpg": "neu-det-mini/train/IMAGES/inclusion_2.jpg"],
            texts: ["labels.csv": "filename,tags\na.jpg,inclusion\nb.jpg,Negative\n"])
        let (created, project) = try await env.json(["project", "create", "c", "--type", "classification"])
        let id = try #require((project as? [String: Any])?["id"] as? String, "\(created.stderr)")
        let upload = try await env.cvctl(["upload", source.appendingPathComponent("labels.csv").path,
                                          "--format", "csv", "--project", id])
        #expect(upload.status == 0, "\(upload.stderr)")
        let (_, listed) = try await env.json(["tag", "list", "--project", id])
        let types = Dictionary(uniqueKeysWithValues: try #require(listed as? [[String: Any]]).map {
            ($0["name"] as? String ?? "", $0["type"] as? String ?? "")
        })
        #expect(types == ["inclusion": "Regular", "Negative": "Negative"])
    }

    /// An image without boxes is untagged in a detection project: `--tagging all` pulls it too, so pulling what
    /// was uploaded gives back every image.
    @Test func pullWithTaggingAllKeepsImagesWithoutBoxes() async throws {
        let env = try CLITestEnvironment(server: try await ServerProcess())
        defer { env.remove() }
        let source = env.directory.appendingPathComponent("source")
        try FileManager.default.createDirectory(at: source, withIntermediateDirectories: true)
        for (index, name) in ["inclusion_1", "inclusion_2"].enumerated() {
            try FileManager.default.copyItem(at: FixturePaths.fixture("neu-det-mini/train/IMAGES/\(name).jpg"),
                                             to: source.appendingPathComponent("\(name).jpg"))
            let object = "<object><name>inclusion</name><bndbox><xmin>10</xmin><ymin>20</ymin><xmax>60</xmax>"
                + "<ymax>90</ymax></bndbox></object>"
            try Data(("<annotation><filename>\(name).jpg</filename><size><width>200</width><height>200</height>"
                + "</size>\(index == 0 ? object : "")</annotation>").utf8)
                .write(to: source.appendingPathComponent("\(name).xml"))
        }
        let project = try await env.createProject()
        let upload = try await env.cvctl(["upload", source.path, "--project", project])
        #expect(upload.status == 0, "\(upload.stderr)")
        for (tagging, images) in [("tagged", 1), ("all", 2)] {
            let out = env.directory.appendingPathComponent(tagging).path
            let (pull, value) = try await env.json(
                ["dataset", "pull", "--project", project, "--tagging", tagging, "--out", out])
            #expect(pull.status == 0, "\(pull.stderr)")
            let summary = value as? [String: Any]
            #expect(summary?["images"] as? Int == images && summary?["regions"] as? Int == 1, "\(tagging): \(value)")
        }
    }

    /// A PNG uploaded as it is comes back as a PNG named `.png`, not PNG bytes in a `.jpg`.
    @Test func aPNGOriginalIsPulledAsPNG() async throws {
        let env = try CLITestEnvironment(server: try await ServerProcess())
        defer { env.remove() }
        let source = try source(env, fixtures: ["p.png": "images/generated/rgb.png"], texts: [
            "p.xml": "<annotation><filename>p.png</filename><size><width>80</width><height>60</height></size>"
                + "<object><name>dot</name><bndbox><xmin>8</xmin><ymin>6</ymin><xmax>40</xmax><ymax>30</ymax>"
                + "</bndbox></object></annotation>",
        ])
        let project = try await env.createProject()
        let upload = try await env.cvctl(["upload", source.path, "--format", "voc", "--project", project, "--no-prep"])
        #expect(upload.status == 0, "\(upload.stderr)")
        let pulled = env.directory.appendingPathComponent("pulled")
        let pull = try await env.cvctl(["dataset", "pull", "--project", project, "--out", pulled.path])
        #expect(pull.status == 0, "\(pull.stderr)")
        let images = try FileManager.default.contentsOfDirectory(atPath: pulled.appendingPathComponent("JPEGImages").path)
        #expect(images.count == 1 && images.allSatisfy { $0.hasSuffix(".png") }, "\(images)")
    }

    /// The summary counts what the output holds: a detection dataset written as a manifest has no regions.
    @Test func aManifestSummaryCountsNoRegions() async throws {
        let env = try CLITestEnvironment(server: nil)
        defer { env.remove() }
        let out = env.directory.appendingPathComponent("manifest").path
        let (output, value) = try await env.json(
            ["dataset", "convert", FixturePaths.fixture("datasets/voc").path, "--to", "manifest", "--out", out])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stderr.contains("notRepresentable"))
        let summary = value as? [String: Any]
        #expect(summary?["images"] as? Int == 2 && summary?["regions"] as? Int == 0, "\(value)")
    }

    /// Folder-per-class holds whole-image tags only: the summary counts the images that went into a folder.
    @Test func aFoldersSummaryCountsTheImagesItHolds() async throws {
        let env = try CLITestEnvironment(server: nil)
        defer { env.remove() }
        for (fixture, images, tags) in [("datasets/csv-classification", 3, 4), ("datasets/voc", 0, 0)] {
            let out = env.directory.appendingPathComponent(fixture.replacingOccurrences(of: "/", with: "-")).path
            let (output, value) = try await env.json(
                ["dataset", "convert", FixturePaths.fixture(fixture).path, "--to", "folders", "--out", out])
            #expect(output.status == 0, "\(output.stderr)")
            #expect(output.stderr.contains("notRepresentable"), "\(output.stderr)")
            let summary = value as? [String: Any]
            #expect(summary?["images"] as? Int == images && summary?["regions"] as? Int == 0
                && summary?["tags"] as? Int == tags, "\(fixture): \(value)")
        }
    }

    /// A Create ML dataset through `upload` (detected, prepared to 256×256) and back through `dataset pull --to
    /// createml`: every box comes back where it was, as a fraction of its image.
    @Test func aCreateMLDatasetUploadsAndPullsBack() async throws {
        let env = try CLITestEnvironment(server: try await ServerProcess())
        defer { env.remove() }
        let names = ["inclusion_1", "patches_1", "scratches_1"]
        var entries: [String] = []
        var texts: [String: String] = [:]
        for (index, name) in names.enumerated() {
            let (x, y) = (40 + 30 * index, 60 + 20 * index)
            entries.append(#"{"image": "\#(name).jpg", "annotations": [{"label": "defect", "coordinates": "#
                + #"{"x": \#(x), "y": \#(y), "width": 40, "height": 60}}]}"#)
        }
        texts["annotations.json"] = "[" + entries.joined(separator: ",\n") + "]\n"
        let fixtures = Dictionary(
            uniqueKeysWithValues: names.map { ("\($0).jpg", "neu-det-mini/train/IMAGES/\($0).jpg") })
        let source = try source(env, fixtures: fixtures, texts: texts)
        let project = try await env.createProject()
        let upload = try await env.cvctl(["upload", source.path, "--project", project])
        #expect(upload.status == 0, "\(upload.stderr)")
        let pulled = env.directory.appendingPathComponent("pulled")
        let pull = try await env.cvctl(
            ["dataset", "pull", "--project", project, "--to", "createml", "--out", pulled.path])
        #expect(pull.status == 0, "\(pull.stderr)")
        let data = try Data(contentsOf: pulled.appendingPathComponent("annotations.json"))
        let back = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        #expect(back.count == 3)
        // Pulled images are the prepared 256×256 ones (named by image id): boxes scale with them.
        let got = try back.map { entry -> [Double] in
            let annotations = entry["annotations"] as? [[String: Any]]
            let box = try #require(annotations?.first?["coordinates"] as? [String: Double])
            return [box["x"] ?? -1, box["y"] ?? -1, box["width"] ?? -1, box["height"] ?? -1]
        }.sorted { $0[0] < $1[0] }
        let expected = names.indices.map { index in
            [Double(40 + 30 * index), Double(60 + 20 * index), 40, 60].map { $0 * 256 / 200 }
        }
        #expect(got.count == 3 && zip(expected, got).allSatisfy { zip($0, $1).allSatisfy { abs($0 - $1) < 1e-6 } },
                "\(got) vs \(expected)")
    }
}
