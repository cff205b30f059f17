import CVTestSupport
import CustomVisionDatasets
import Foundation
import Testing

/// Malformed files, paths leaving the root, symlink loops: clear errors naming the place, never a crash.
struct HostileInputTests {
    static let goodXML = """
        <annotation><filename>a.png</filename><size><width>80</width><height>60</height></size>
        <object><name>cat</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>9</xmax><ymax>9</ymax></bndbox></object>
        </annotation>
        """

    /// A VOC folder with one good file and one `bad.xml` holding `badXML`.
    private func vocFindings(_ badXML: String) throws -> (Dataset, [Finding]) {
        let folder = try TemporaryFolder()
        try folder.copyImage("datasets/voc/JPEGImages/red.png", to: "a.png")
        try folder.write(Self.goodXML, to: "a.xml")
        try folder.write(badXML, to: "bad.xml")
        return try DatasetReader.read(at: folder.url, format: .voc)
    }

    @Test(arguments: [
        ("<annotation>\n<filename>x</filename>\n<size></sise>\n</annotation>", "malformed", 3),
        ("<annotation>\n<name>&xxe;</name></annotation>", "malformed", 2),
        (
            "<?xml version=\"1.0\"?>\n<!DOCTYPE a [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n<annotation/>",
            "forbiddenConstruct", 2
        ),
        ("", "malformed", 1),
        (
            "<annotation><size><width>9</width><height>9</height></size><object>\n<name>cat</name>\n"
                + "<bndbox><xmin>1</xmin></bndbox></object></annotation>",
            "missingField", 3
        ),
        (
            "<annotation>\n<object><name>cat</name><bndbox><xmin>abc</xmin><ymin>1</ymin><xmax>2</xmax><ymax>3</ymax>"
                + "</bndbox></object><size><width>9</width><height>9</height></size></annotation>", "invalidValue", 2
        ),
        ("<annotation><filename>../../etc/passwd</filename></annotation>", "pathEscape", 1),
        ("<annotation><filename>/etc/passwd</filename></annotation>", "pathEscape", 1),
        ("<notvoc/>", "malformed", 1),
        (String(repeating: "<a>", count: 5000), "malformed", 1),
        ("<annotation a='1' a='2'/>", "malformed", 1),
        ("<annotation><![CDATA[ unterminated", "malformed", 1),
    ])
    func vocReportsTheFileAndLineOfBadXML(xml: String, code: String, line: Int) throws {
        let (dataset, findings) = try vocFindings(xml)
        let finding = try #require(findings.first { $0.location.file == "bad.xml" }, "\(findings)")
        #expect(finding.severity == .error)
        #expect(finding.code == code, "\(finding)")
        #expect(finding.location.line == line, "\(finding)")
        #expect(dataset.image(named: "a.png")?.regions.count == 1, "the good file is still read")
    }

    /// A Create ML entry or annotation with a missing or mistyped field is skipped with an error naming its JSON
    /// path; the rest is read. A document that is not an array, or not JSON, stops the read.
    @Test func createMLSkipsBadEntriesByJSONPath() throws {
        let folder = try TemporaryFolder()
        try folder.copyImage("datasets/voc/JPEGImages/red.png", to: "a.png")
        let box = #"{"label": "x", "coordinates": {"x": 24, "y": 18, "width": 32, "height": 24}}"#
        let file = try folder.write(
            "[{\"image\": \"a.png\", \"annotations\": [\(box), {\"label\": 3, \"coordinates\": {}},"
                + #" {"label": "y", "coordinates": {"x": "1", "y": 1, "width": 1, "height": 1}},"#
                + #" {"label": "z"}]}, {"annotations": []}, 7, {"image": "../../etc/passwd"}]"#,
            to: "annotations.json")
        let (dataset, findings) = try DatasetReader.read(at: file)
        #expect(dataset.images.count == 1)
        expectBox(dataset.images.first?.regions.first?.box, 0.1, 0.1, 0.4, 0.4)
        #expect(dataset.images.first?.regions.count == 1)
        let paths = findings.map { "\($0.code) \($0.location.jsonPath ?? "")" }
        #expect(paths == [
            "invalidValue $[0].annotations[1].label", "invalidValue $[0].annotations[2].coordinates.x",
            "missingField $[0].annotations[3].coordinates", "missingField $[1].image", "invalidValue $[2]",
            "pathEscape $[3].image",
        ], "\(findings)")
        #expect(findings.allSatisfy { $0.severity == .error && $0.location.file == "annotations.json" })
        let object = try folder.write(#"{"image": "a.png"}"#, to: "object.json")
        let notArray = #expect(throws: DatasetError.self) { try DatasetReader.read(at: object, format: .createml) }
        #expect(notArray?.code == .malformed)
        let broken = try folder.write("[{", to: "broken.json")
        let notJSON = #expect(throws: DatasetError.self) { try DatasetReader.read(at: broken, format: .createml) }
        #expect(notJSON?.code == .malformed && notJSON?.location.file == "broken.json")
    }

    @Test func cocoStopsAtMalformedJSONAndReportsWrongTypesByJSONPath() throws {
        let folder = try TemporaryFolder()
        let file = try folder.write("{\"images\": [", to: "a.json")
        let malformed = #expect(throws: DatasetError.self) { try DatasetReader.read(at: file, format: .coco) }
        #expect(malformed?.code == .malformed && malformed?.location.file == "a.json")
        // Detected rather than named, the format's probe says why as well, not just "not a JSON object".
        let detected = #expect(throws: DatasetError.self) { try DatasetReader.read(at: file) }
        #expect(detected?.message.hasPrefix("not valid JSON: ") == true, "\(String(describing: detected))")

        // A mistyped field spoils its entry only (it used to stop the whole read).
        try folder.write(
            #"{"images": [{"id": 1, "file_name": "a.png", "width": 80, "height": 60}], "#
                + #""categories": [{"id": 1, "name": "cat"}], "annotations": [{"image_id": 1, "category_id": 1, "#
                + #""bbox": "abc"}]}"#, to: "b.json")
        let (dataset, findings) = try DatasetReader.read(
            at: folder.url.appendingPathComponent("b.json"), format: .coco)
        #expect(dataset.images.count == 1 && dataset.regionCount == 0)
        let wrongType = try #require(findings.first, "\(findings)")
        #expect(wrongType.severity == .error && wrongType.code == "invalidValue")
        #expect(wrongType.location.jsonPath == "$.annotations[0].bbox")
        #expect(wrongType.description.contains("b.json $.annotations[0].bbox"))

        try folder.write(#"{"images": {"id": 1}}"#, to: "c.json")
        let notArray = #expect(throws: DatasetError.self) {
            try DatasetReader.read(at: folder.url.appendingPathComponent("c.json"), format: .coco)
        }
        #expect(notArray?.location.jsonPath == "$.images")
    }

    @Test func cocoSkipsBrokenEntriesNamingTheirJSONPathAndReadsTheRest() throws {
        let folder = try TemporaryFolder()
        try folder.copyImage("datasets/voc/JPEGImages/red.png", to: "a.png")
        try folder.copyImage("datasets/voc/JPEGImages/red.png", to: "b.png")
        let file = try folder.write(
            #"{"categories": [{"id": 1, "name": "cat"}, {"id": 2}], "images": ["#
                + #"{"id": 1, "file_name": "a.png", "width": 80, "height": 60}, {"id": 2, "width": 80}, "#
                + #"{"id": 3, "file_name": "b.png", "width": "wide"}, 7, "#
                + #"{"id": 5, "file_name": "b.png", "width": 80, "height": 60}], "annotations": ["#
                + #"{"image_id": 1, "category_id": 1, "bbox": [8, 6, 8, 6]}, {"category_id": 1, "bbox": [1, 1, 2, 2]}, "#
                + #"{"image_id": 1, "bbox": [1, 1, 2, 2]}, {"image_id": 1, "category_id": 1, "bbox": [1, "x", 2, 2]}, "#
                + #"{"image_id": 5, "category_id": 1, "bbox": [1, 2, 3]}, "#
                + #"{"image_id": 5, "category_id": 1, "bbox": [0, 0, 40, 30], "iscrowd": "no"}, "#
                + #"{"image_id": 5, "category_id": 1, "bbox": [0, 0, 40, 30]}]}"#, to: "instances.json")
        let (dataset, findings) = try DatasetReader.read(at: file, format: .coco)
        #expect(findings.allSatisfy { $0.severity == .error && $0.message.hasSuffix("skipped") }, "\(findings)")
        #expect(
            findings.map(\.location.jsonPath) == [
                "$.categories[1].name", "$.images[1].file_name", "$.images[2].width", "$.images[3].id",
                "$.annotations[1].image_id", "$.annotations[2].category_id", "$.annotations[3].bbox",
                "$.annotations[4].bbox", "$.annotations[5].iscrowd",
            ])
        #expect(findings[1].description.hasPrefix("error: instances.json $.images[1].file_name: "))
        #expect(findings[1].code == "missingField")
        #expect(dataset.tags == ["cat"])
        #expect(dataset.images.map(\.path.lastPathComponent) == ["a.png", "b.png"])
        #expect(dataset.images.map(\.regions.count) == [1, 1])
        expectBox(dataset.images.first?.regions.first?.box, 0.1, 0.1, 0.1, 0.1)
    }

    @Test func cocoIdsBeyondInt64OrOfTheWrongTypeAreFindingsNotACrash() throws {
        let folder = try TemporaryFolder()
        try folder.copyImage("datasets/voc/JPEGImages/red.png", to: "a.png")
        let file = try folder.write(
            #"{"categories": [{"id": 1, "name": "cat"}, {"id": -1e19, "name": "dog"}], "images": ["#
                + #"{"id": 1e19, "file_name": "a.png"}, {"id": true, "file_name": "a.png"}, "#
                + #"{"id": 9.3e18, "file_name": "a.png"}, {"id": 4, "file_name": "a.png"}], "annotations": ["#
                + #"{"image_id": 4, "category_id": 1, "bbox": [8, 6, 8, 6]}]}"#, to: "instances.json")
        let (dataset, findings) = try DatasetReader.read(at: file, format: .coco)
        #expect(findings.map(\.location.jsonPath) == [
            "$.categories[1].id", "$.images[0].id", "$.images[1].id", "$.images[2].id",
        ], "\(findings)")
        #expect(findings.allSatisfy { $0.code == "invalidValue" && $0.message.contains("below 2^63") })
        #expect(dataset.images.count == 1 && dataset.images.first?.regions.count == 1)
    }

    @Test func aNegativeCOCOImageSizeIsAFindingAndTheImagesOwnSizeIsUsed() throws {
        let folder = try TemporaryFolder()
        try folder.copyImage("datasets/voc/JPEGImages/red.png", to: "a.png")  // 80×60
        let file = try folder.write(
            #"{"categories": [{"id": 1, "name": "cat"}], "images": [{"id": 1, "file_name": "a.png", "#
                + #""width": -80, "height": 60}], "annotations": [{"image_id": 1, "category_id": 1, "#
                + #""bbox": [8, 6, 40, 30]}]}"#, to: "instances.json")
        let (dataset, findings) = try DatasetReader.read(at: file, format: .coco)
        #expect(findings.map(\.code) == ["invalidValue"] && findings.first?.location.jsonPath == "$.images[0].width",
                "\(findings)")
        let box = try #require(dataset.images.first?.regions.first?.box)
        #expect(abs(box.left - 0.1) < 1e-9 && abs(box.top - 0.1) < 1e-9 && abs(box.width - 0.5) < 1e-9
                && abs(box.height - 0.5) < 1e-9, "\(box)")
    }

    @Test func cocoRefusesFileNamesThatLeaveTheRoot() throws {
        let folder = try TemporaryFolder()
        let file = try folder.write(
            #"{"images": [{"id": 1, "file_name": "../../etc/passwd", "width": 8, "height": 8}, "#
                + #"{"id": 2, "file_name": "/etc/passwd"}], "categories": [{"id": 1, "name": "x"}], "#
                + #""annotations": [{"image_id": 1, "category_id": 9, "bbox": [1, 1, 2, 2]}, "#
                + #"{"image_id": 7, "category_id": 1, "bbox": [1, 1, 2, 2]}]}"#, to: "a.json")
        let (dataset, findings) = try DatasetReader.read(at: file, format: .coco)
        #expect(dataset.images.isEmpty)
        #expect(
            findings.filter { $0.code == "pathEscape" }.map(\.location.jsonPath)
                == ["$.images[0].file_name", "$.images[1].file_name"])
        // Image 1's annotation goes with its skipped image (it is in `images`, reported there); id 7 is unknown.
        #expect(
            findings.filter { $0.code == "unknownImage" }.map(\.location.jsonPath) == ["$.annotations[1].image_id"])
    }

    @Test func absolutePathsFromTheLabellingMachineFallBackToImagesInsideTheRoot() throws {
        let folder = try TemporaryFolder()
        try folder.copyImage("datasets/voc/JPEGImages/red.png", to: "images/a.png")
        let file = try folder.write(
            #"{"images": [{"id": 1, "file_name": "/home/labeller/data/a.png", "width": 80, "height": 60}, "#
                + #"{"id": 2, "file_name": "C:\\data\\a.png", "width": 80, "height": 60}], "#
                + #""categories": [], "annotations": []}"#, to: "a.json")
        let (dataset, findings) = try DatasetReader.read(at: file, format: .coco)
        #expect(findings.isEmpty, "\(findings)")
        #expect(
            dataset.images.map(\.path) == Array(repeating: folder.url.appendingPathComponent("images/a.png"), count: 2))
    }

    @Test func cocoReportsUnknownCategoriesAndShortBoxes() throws {
        let folder = try TemporaryFolder()
        try folder.copyImage("datasets/voc/JPEGImages/red.png", to: "a.png")
        let file = try folder.write(
            #"{"images": [{"id": 1, "file_name": "a.png", "width": 80, "height": 60}], "#
                + #""categories": [{"id": 1, "name": "x"}], "#
                + #""annotations": [{"image_id": 1, "category_id": 9, "bbox": [1, 1, 2, 2]}, "#
                + #"{"image_id": 1, "category_id": 1, "bbox": [1, 2, 3]}, "#
                + #"{"image_id": 1, "category_id": 1, "bbox": [8, 6, 8, 6]}]}"#, to: "a.json")
        let (dataset, findings) = try DatasetReader.read(at: file, format: .coco)
        #expect(findings.map(\.code) == ["unknownCategory", "invalidValue"])
        #expect(findings.map(\.location.jsonPath) == ["$.annotations[0].category_id", "$.annotations[1].bbox"])
        expectBox(dataset.images.first?.regions.first?.box, 0.1, 0.1, 0.1, 0.1)
    }

    @Test(arguments: [
        ("names: [a, b\n", 1), ("path: .\nnames:\n  0: a\n  2: b\n", 3), ("names: &x [a]\n", 1),
        ("nc: 3\nnames: [a, b]\n", 0), ("names:\n  - a\n  1: b\n", 2), ("  bad: indent\n", 1),
        ("names: \"unterminated\n", 1),
    ])
    func yoloRejectsBadYAMLNamingTheLine(yaml: String, line: Int) throws {
        let folder = try TemporaryFolder()
        let file = try folder.write(yaml, to: "data.yaml")
        let error = #expect(throws: DatasetError.self) { try DatasetReader.read(at: file, format: .yolo) }
        #expect(error?.location.file == "data.yaml")
        #expect((error?.location.line ?? 0) == line, "\(String(describing: error))")
    }

    @Test func yoloReportsBadLabelLines() throws {
        let folder = try TemporaryFolder()
        try folder.write("a\nb\n", to: "classes.txt")
        try folder.copyImage("datasets/voc/JPEGImages/red.png", to: "a.png")
        try folder.write("0 0.5 0.5 0.2 0.2\n5 0.5 0.5 0.1 0.1\nx 1 1 1 1\n1 0.5 nan 0.1 0.1\n1 0.5\n", to: "a.txt")
        try folder.write("0 0.5 0.5 0.1 0.1\n", to: "orphan.txt")
        let (dataset, findings) = try DatasetReader.read(at: folder.url)
        #expect(dataset.images.first?.regions.count == 1)
        #expect(
            findings.map(\.code) == ["unknownCategory", "invalidValue", "invalidValue", "invalidValue", "orphanLabel"])
        #expect(findings.prefix(4).map(\.location.line) == [2, 3, 4, 5])
    }

    @Test func aYOLOLabelFileThatCannotBeReadSkipsItsImageOnly() throws {
        let folder = try TemporaryFolder()
        try folder.write("a\nb\n", to: "classes.txt")
        for name in ["good", "latin1"] { try folder.copyImage("datasets/voc/JPEGImages/red.png", to: "\(name).png") }
        try folder.write("0 0.5 0.5 0.2 0.2\n", to: "good.txt")
        try Data([0x30, 0x20, 0xE9, 0x0A]).write(to: folder.url.appendingPathComponent("latin1.txt"))
        let (dataset, findings) = try DatasetReader.read(at: folder.url, format: .yolo)
        #expect(dataset.images.map(\.path.lastPathComponent) == ["good.png"])
        #expect(dataset.regionCount == 1)
        #expect(findings.count == 1 && findings.first?.severity == .error, "\(findings)")
        #expect(findings.first?.location.file == "latin1.txt")
        #expect(findings.first?.message.hasSuffix("image latin1.png skipped") == true, "\(findings)")
    }

    @Test func csvReportsUnterminatedQuotesAndMissingColumns() throws {
        let folder = try TemporaryFolder()
        let file = try folder.write("filename,tags\na.png,x\n\"b.png,y\nc.png,z\n", to: "a.csv")
        let error = #expect(throws: DatasetError.self) { try DatasetReader.read(at: file, format: .csv) }
        #expect(error?.code == .malformed && error?.location.line == 3)

        let detection = try folder.write("filename,width,class,xmin,ymin,xmax,ymax\n", to: "b.csv")
        let missing = #expect(throws: DatasetError.self) { try DatasetReader.read(at: detection, format: .csv) }
        #expect(missing?.code == .missingField && missing?.location.line == 1)

        let escape = try folder.write("filename,tag\n../../etc/passwd,x\n", to: "c.csv")
        let (dataset, findings) = try DatasetReader.read(at: escape, format: .csv)
        #expect(dataset.images.isEmpty && findings.first?.code == "pathEscape" && findings.first?.location.line == 2)
    }

    /// Reads `text` as `m.jsonl` in a folder that holds the image `a.png`.
    private func readManifest(_ text: String) throws -> (Dataset, [Finding]) {
        let folder = try TemporaryFolder()
        try folder.copyImage("datasets/voc/JPEGImages/red.png", to: "a.png")
        return try DatasetReader.read(at: try folder.write(text, to: "m.jsonl"), format: .manifest)
    }

    @Test func manifestSkipsBadLinesNamingThemAndReadsTheRest() throws {
        // A bad line used to stop the whole read.
        let (dataset, findings) = try readManifest(
            "{\"file\": \"a.png\", \"tags\": [\"x\"]}\n{oops\n{\"tags\": [\"y\"]}\n[1]\n"
                + "{\"file\": \"a.png\", \"tags\": [3]}\n{\"file\": \"a.png\", \"tags\": [\"z\"]}\n")
        #expect(findings.map(\.code) == ["malformed", "missingField", "missingField", "invalidValue"])
        #expect(findings.map(\.location.description)
            == ["m.jsonl:2", "m.jsonl:3", "m.jsonl:4", "m.jsonl:5 $.tags[0]"])
        #expect(findings.allSatisfy { $0.severity == .error && $0.message.hasSuffix("; line skipped") })
        #expect(dataset.images.map(\.tags) == [["x"], ["z"]])
    }

    @Test func manifestFieldsOfTheWrongTypeAreNamedWithTheirLine() throws {
        // These findings named only the JSON path, not the line.
        let (dataset, findings) = try readManifest(
            "{\"file\": \"a.png\", \"tags\": [\"x\"]}\n{\"file\": 3}\n\n{\"image\": [\"a.png\"]}\n"
                + "{\"file\": \"a.png\", \"tags\": \"x\"}\n{\"file\": null, \"image\": true}\n")
        #expect(findings.map(\.code) == ["invalidValue", "invalidValue", "invalidValue", "invalidValue"])
        #expect(findings.map(\.location.line) == [2, 4, 5, 6])
        #expect(findings.map(\.location.description)
            == ["m.jsonl:2 $.file", "m.jsonl:4 $.image", "m.jsonl:5 $.tags", "m.jsonl:6 $.image"])
        #expect(findings.allSatisfy { $0.severity == .error && $0.message.hasSuffix("; line skipped") })
        #expect(dataset.images.map(\.tags) == [["x"]])
    }

    @Test func refusesFilesOverTheSizeLimit() throws {
        let folder = try TemporaryFolder()
        let file = try folder.write("{\"images\": []}" + String(repeating: " ", count: 2000), to: "a.json")
        let error = #expect(throws: DatasetError.self) {
            try DatasetReader.read(at: file, format: .coco, options: .init(maxAnnotationBytes: 1000))
        }
        #expect(error?.code == .fileTooLarge && error?.location.file == "a.json")
    }

    @Test func reportsAFolderSymlinkLoop() throws {
        let folder = try TemporaryFolder()
        try folder.write(Self.goodXML, to: "sub/a.xml")
        try FileManager.default.createSymbolicLink(
            atPath: folder.url.appendingPathComponent("sub/loop").path, withDestinationPath: "..")
        try folder.copyImage("datasets/voc/JPEGImages/red.png", to: "sub/a.png")
        // The loop is left out, named; the folder's annotation is still read.
        let (dataset, findings) = try DatasetReader.read(at: folder.url, format: .voc)
        #expect(dataset.images.count == 1)
        #expect(findings.map(\.code) == ["symlinkLoop"], "\(findings)")
        #expect(findings.first?.location.file == "sub/loop")
    }

    @Test func listsAFolderReachedTwiceOnlyOnce() throws {
        let folder = try TemporaryFolder()
        try folder.write(Self.goodXML, to: "v2/a.xml")
        try folder.copyImage("datasets/voc/JPEGImages/red.png", to: "v2/a.png")
        try FileManager.default.createSymbolicLink(
            atPath: folder.url.appendingPathComponent("v3").path, withDestinationPath: "v2")
        let (dataset, findings) = try DatasetReader.read(at: folder.url, format: .voc)
        #expect(dataset.images.count == 1 && findings.isEmpty)
    }

    @Test func reportsASelfReferencingLink() throws {
        let folder = try TemporaryFolder()
        try folder.write(Self.goodXML, to: "a.xml")
        try FileManager.default.createSymbolicLink(
            atPath: folder.url.appendingPathComponent("b.xml").path, withDestinationPath: "b.xml")
        try folder.copyImage("datasets/voc/JPEGImages/red.png", to: "a.png")
        let (dataset, findings) = try DatasetReader.read(at: folder.url, format: .voc)
        #expect(dataset.images.count == 1)
        #expect(findings.map(\.code) == ["symlinkLoop"] && findings.first?.location.file == "b.xml", "\(findings)")
    }

    @Test func refusesLinksOutOfTheRootUnlessAllowed() throws {
        let outside = try TemporaryFolder()
        try outside.copyImage("datasets/voc/JPEGImages/red.png", to: "secret.png")
        let folder = try TemporaryFolder()
        try folder.write("filename,tag\nlink.png,x\n", to: "a.csv")
        try FileManager.default.createSymbolicLink(
            at: folder.url.appendingPathComponent("link.png"),
            withDestinationURL: outside.url.appendingPathComponent("secret.png"))
        // The row naming the link is not read, and the link is named; nothing outside the root is opened.
        let (refused, findings) = try DatasetReader.read(at: folder.url, format: .csv)
        #expect(refused.images.isEmpty)
        #expect(findings.contains { $0.code == "pathEscape" && $0.location.file == "link.png" }, "\(findings)")
        let (dataset, _) = try DatasetReader.read(at: folder.url, format: .csv, options: .init(allowOutsideRoot: true))
        #expect(dataset.images.first?.width == 80)
    }

    @Test func unknownFormatNamesThePath() throws {
        let folder = try TemporaryFolder()
        try folder.write("hello", to: "notes.md")
        let error = #expect(throws: DatasetError.self) { try DatasetFormat.detect(at: folder.url) }
        #expect(error?.code == .unknownFormat && error?.location.file == folder.url.path)
    }
}

/// A FIFO under an image's name: every step that opens images refuses it instead of blocking forever.
struct NonRegularImageTests {
    @Test(.timeLimit(.minutes(1)))
    func aFIFONamedAsAnImageIsRefusedWithoutBlocking() throws {
        let folder = try TemporaryFolder()
        try folder.copyImage("datasets/voc/JPEGImages/red.png", to: "red.png")
        #expect(mkfifo(folder.url.appendingPathComponent("pipe.png").path, 0o600) == 0)
        let csv = try folder.write("filename,tag\nred.png,warm\npipe.png,cold\n", to: "labels.csv")
        let (dataset, readFindings) = try DatasetReader.read(at: csv, format: .csv)
        let report = DatasetVerifier.verify(
            dataset, projectType: .classification, readFindings: readFindings,
            validateContent: { _ in })
        let pipe = report.findings.filter { $0.message.contains("pipe.png") }
        #expect(!pipe.isEmpty && pipe.allSatisfy { $0.severity == .error }, "\(report.findings)")
        #expect(!report.findings.contains { $0.message.contains("red.png") && $0.severity == .error })
        #expect(RegularFile.contents(atPath: folder.url.appendingPathComponent("pipe.png").path) == nil)
        #expect(RegularFile.contents(atPath: folder.url.appendingPathComponent("red.png").path) != nil)
        // The CSV reader takes the row (the verifier names it); writing the dataset stops at it, named.
        #expect(dataset.images.map(\.path.lastPathComponent) == ["red.png", "pipe.png"])
        let out = try TemporaryFolder()
        let error = #expect(throws: DatasetError.self) { try DatasetWriter.write(dataset, format: .csv, to: out.url) }
        #expect(error?.message.contains("pipe.png: not a regular file") == true, "\(String(describing: error))")
    }
}
