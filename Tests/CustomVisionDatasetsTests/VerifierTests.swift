import CVTestSupport
import CustomVisionDatasets
import Foundation
import Testing

/// The verifier on real files built in a temporary folder.
struct VerifierTests {
    /// The first bytes of a PNG of the given size (the verifier reads headers only), made unique by `salt`.
    static func png(_ width: Int, _ height: Int, salt: UInt8 = 0) -> Data {
        var bytes: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]
        for value in [width, height] { bytes += (0..<4).map { UInt8(truncatingIfNeeded: value >> (24 - 8 * $0)) } }
        bytes += [8, 2, 0, 0, 0, 0, 0, 0, 0, salt]
        return Data(bytes)
    }

    static func box(_ l: Double, _ t: Double, _ w: Double, _ h: Double) -> BoundingBox {
        BoundingBox(left: l, top: t, width: w, height: h)
    }

    /// A detection dataset with one instance of each problem.
    static func problemDataset(in folder: TemporaryFolder) throws -> Dataset {
        try folder.write(png(100, 100, salt: 1), to: "dup1.png")
        try folder.write(png(100, 100, salt: 1), to: "dup2.png")
        try folder.write(png(20, 100), to: "small.png")
        try folder.write("not an image", to: "text.jpg")
        try folder.write(Data("RIFF\0\0\0\0WEBPVP8X".utf8) + Data(repeating: 0, count: 20), to: "photo.webp")
        try folder.write(png(100, 100, salt: 2), to: "ok.png")
        try folder.write(png(100, 100, salt: 3), to: "neg.png")
        func image(_ name: String, _ regions: [DatasetRegion], tags: [String] = [], line: Int) -> DatasetImage {
            DatasetImage(
                path: folder.url.appendingPathComponent(name), width: 100, height: 100, tags: tags,
                regions: regions, source: .init(file: "labels.csv", line: line))
        }
        let cat = { (b: BoundingBox) in DatasetRegion(tag: "cat", box: b) }
        return Dataset(
            root: folder.url,
            images: [
                image("dup1.png", [cat(box(0.1, 0.1, 0.2, 0.2))], line: 2),
                image("dup2.png", [cat(box(0.5, 0.5, 0.2, 0.2))], line: 3),
                image("small.png", [cat(box(0.1, 0.1, 0.2, 0.2))], line: 4),
                image("missing.png", [cat(box(0.1, 0.1, 0.2, 0.2))], line: 5),
                image("text.jpg", [cat(box(0.1, 0.1, 0.2, 0.2))], line: 6),
                image("photo.webp", [cat(box(0.1, 0.1, 0.2, 0.2))], line: 7),
                image(
                    "ok.png", [cat(box(0.9, 0.9, 0.2, 0.2)), cat(box(1.5, 0.1, 0.2, 0.2)), cat(box(0.1, 0.1, 0, 0.2))],
                    line: 8),
                image("neg.png", [], tags: ["Negative", "cat"], line: 9),
                image("ok.png", [], line: 10),
            ], tags: ["cat"])
    }

    @Test func reportsEachProblemWithItsPlaceAndSeverity() throws {
        let folder = try TemporaryFolder()
        let report = DatasetVerifier.verify(try Self.problemDataset(in: folder), projectType: .detection)
        func find(_ code: String) -> [Finding] { report.findings.filter { $0.code == code } }
        #expect(find("duplicateImage").map(\.location.line) == [3])
        #expect(find("duplicateImage").first?.severity == .warning)
        #expect(find("duplicateImage").first?.message.contains("differing labels") == true)
        #expect(find("imageDimensions").map(\.location.line) == [4])
        #expect(find("missingImage").map(\.location.line) == [5])
        #expect(find("unreadableImage").map(\.location.line) == [6])
        #expect(find("unsupportedImageFormat").map(\.location.line) == [7])
        #expect(find("boxClamped").map(\.location.line) == [8])
        #expect(find("boxClamped").first?.severity == .warning)
        #expect(find("boxOutsideImage").map(\.location.line) == [8])
        #expect(find("invalidBox").map(\.location.line) == [8])
        #expect(find("negativeAndRegularTags").map(\.location.line) == [9])
        #expect(find("noLabels").map(\.location.line) == [10])
        #expect(find("duplicateEntry").map(\.location.line) == [10])
        #expect(find("tooFewImagesForTag").count == 1, "cat is on 8 images, detection needs 15")
        #expect(find("tooFewImagesForTag").first?.severity == .error)
        #expect(report.hasErrors)
        #expect(report.summary.imageCount == 9 && report.summary.unlabeledImageCount == 1)
        #expect(report.summary.errorCount == report.findings.count { $0.severity == .error })
        #expect(report.findings.allSatisfy { $0.location.file == "labels.csv" })
    }

    /// A stand-in decoder: refuses PNGs whose last byte is 9.
    struct Refused: Error, CustomStringConvertible {
        var description: String { "truncated: the data ends early" }
    }

    @Test func aContentValidatorFlagsDamagedImagesAtTheirAnnotation() throws {
        let folder = try TemporaryFolder()
        var images: [DatasetImage] = []
        for (line, salt) in [(2, UInt8(1)), (3, 9)] {
            try folder.write(Self.png(100, 100, salt: salt), to: "\(salt).png")
            images.append(
                DatasetImage(
                    path: folder.url.appendingPathComponent("\(salt).png"), width: 100, height: 100, tags: ["cat"],
                    source: .init(file: "labels.csv", line: line)))
        }
        try folder.write("not an image", to: "text.jpg")
        images.append(
            DatasetImage(
                path: folder.url.appendingPathComponent("text.jpg"), width: 100, height: 100, tags: ["cat"],
                source: .init(file: "labels.csv", line: 4)))
        let dataset = Dataset(root: folder.url, images: images, tags: ["cat"])
        let validate: DatasetVerifier.ContentValidator = { bytes in if bytes.last == 9 { throw Refused() } }

        let report = DatasetVerifier.verify(dataset, projectType: .classification, validateContent: validate)
        let damaged = report.findings.filter { $0.code == "corruptImage" }
        #expect(damaged.map(\.location.description) == ["labels.csv:3"], "the unreadable file has its own finding")
        #expect(damaged.first?.severity == .error)
        #expect(damaged.first?.message == "image '9.png' is damaged: truncated: the data ends early")
        let headersOnly = DatasetVerifier.verify(dataset, projectType: .classification)
        #expect(!headersOnly.findings.contains { $0.code == "corruptImage" })
        let noFiles = DatasetVerifier.verify(
            dataset, projectType: .classification, options: .init(checkFiles: false), validateContent: validate)
        #expect(!noFiles.findings.contains { $0.code == "corruptImage" }, "upload's options read no image")
    }

    @Test func appliesServiceLimitsPerImage() throws {
        let folder = try TemporaryFolder()
        try folder.write(Self.png(100, 100), to: "a.png")
        let regions = (0..<65).map { DatasetRegion(tag: "t\($0 % 21)", box: Self.box(0.1, 0.1, 0.1, 0.1)) }
        let image = DatasetImage(
            path: folder.url.appendingPathComponent("a.png"), width: 100, height: 100,
            regions: regions, source: .init(file: "a.xml", line: 1))
        let report = DatasetVerifier.verify(Dataset(root: folder.url, images: [image]), projectType: .detection)
        #expect(report.findings.contains { $0.code == "tooManyRegions" && $0.severity == .error })
        #expect(report.findings.contains { $0.code == "tooManyTags" && $0.severity == .error })
    }

    @Test func classificationMinimumsAreAnErrorBelowFiveAndAWarningBelowFifty() throws {
        let folder = try TemporaryFolder()
        var images: [DatasetImage] = []
        for i in 0..<10 {
            try folder.write(Self.png(100, 100, salt: UInt8(i)), to: "\(i).png")
            images.append(
                DatasetImage(
                    path: folder.url.appendingPathComponent("\(i).png"), width: 100, height: 100,
                    tags: [i < 3 ? "rare" : "common"], source: .init(file: "\(i).png")))
        }
        let report = DatasetVerifier.verify(Dataset(root: folder.url, images: images), projectType: .classification)
        let byTag = report.findings.filter { $0.code.hasSuffix("ImagesForTag") }.map { "\($0.code) \($0.severity)" }
        #expect(byTag == ["tooFewImagesForTag error", "fewImagesForTag warning"])
        #expect(report.summary.tags.map(\.images) == [3, 7])
        // Added to a project (an upload), the project's other images may make up the rest: a warning only.
        let added = DatasetVerifier.verify(
            Dataset(root: folder.url, images: images), projectType: .classification,
            options: .init(addsToProject: true))
        let addedByTag = added.findings.filter { $0.code.hasSuffix("ImagesForTag") }.map { "\($0.code) \($0.severity)" }
        #expect(addedByTag == ["tooFewImagesForTag warning", "fewImagesForTag warning"])
        #expect(!added.hasErrors)
    }

    @Test func findsTheDuplicatePairInTheNEUDETMiniSubset() throws {
        let (dataset, findings) = try DatasetReader.read(at: DatasetFixtures.neuMiniTrain)
        let report = DatasetVerifier.verify(dataset, projectType: .detection, readFindings: findings)
        let duplicates = report.findings.filter { $0.code == "duplicateImage" }
        #expect(duplicates.count == 1)
        #expect(duplicates.first?.message.contains("patches_101.jpg, patches_105.jpg") == true)
        #expect(duplicates.first?.message.contains("differing labels") == true)
        #expect(duplicates.first?.location.file == "ANNOTATIONS/patches_105.xml")
        #expect(!report.hasErrors)
        #expect(report.summary.tags.map(\.tag) == dataset.tags)
        #expect(report.summary.boxArea != nil)
    }

    @Test func rendersATableAndJSON() throws {
        let (dataset, _) = try DatasetReader.read(at: DatasetFixtures.neuMiniTrain)
        let report = DatasetVerifier.verify(dataset, projectType: .detection)
        let table = report.renderTable()
        #expect(table.contains("images 75  regions 203  tags 3"))
        #expect(table.contains("inclusion") && table.contains("box area"))
        #expect(table.contains("warning: ANNOTATIONS/patches_105.xml:1:"))
        let json = try JSONEncoder().encode(report)
        let decoded = try JSONDecoder().decode(VerificationReport.self, from: json)
        #expect(decoded == report)
        let object = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        #expect((object["summary"] as? [String: Any])?["imageCount"] as? Int == 75)
    }

    @Test func reportsTagsMissingFromTheTagList() throws {
        let folder = try TemporaryFolder()
        try folder.write(Self.png(100, 100), to: "a.png")
        let image = DatasetImage(
            path: folder.url.appendingPathComponent("a.png"), width: 100, height: 100,
            regions: [DatasetRegion(tag: "ghost", box: Self.box(0.1, 0.1, 0.5, 0.5))], source: .init(file: "a.xml"))
        let dataset = Dataset(root: folder.url, images: [image], tags: ["cat"])
        let report = DatasetVerifier.verify(dataset, projectType: .detection, options: .init(checkFiles: false))
        #expect(report.findings.filter { $0.code == "unknownCategory" }.map(\.location.file) == ["a.xml"])
    }

    @Test func anEmptyDatasetIsAnError() {
        let report = DatasetVerifier.verify(Dataset(root: URL(fileURLWithPath: "/nowhere")), projectType: .detection)
        #expect(report.findings.map(\.code) == ["emptyDataset"])
    }

    @Test(arguments: [3, 40])
    func allTagsListsWholeImageTagsThenRegionTagsOnceInOrderOfFirstUse(regionCount: Int) {
        let names = ["dog", "cat", "dog", "bird", "cat"]
        let regions = (0..<regionCount).map { DatasetRegion(tag: names[$0 % names.count], box: Self.box(0, 0, 1, 1)) }
        let image = DatasetImage(
            path: URL(fileURLWithPath: "/a.png"), width: 1, height: 1, tags: ["cat", "fish", "cat"], regions: regions,
            source: .init(file: "a.xml"))
        #expect(image.allTags == (regionCount > 3 ? ["cat", "fish", "dog", "bird"] : ["cat", "fish", "dog"]))
        let dataset = Dataset(root: URL(fileURLWithPath: "/"), images: [image, image])
        #expect(dataset.imageCountsByTag == Dictionary(uniqueKeysWithValues: image.allTags.map { ($0, 2) }))
    }
}
