import CVTestSupport
import Foundation
import ImagePrep
import Testing

/// The built `cvctl` given broken images, files where folders belong, and asked for JSON: exit codes, messages that
/// name the file, and one JSON document on stdout.
// The limit catches a hang; with the whole suite training models on 2 cores, a run can take several minutes.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct BadInputEndToEndTests {
    /// An endpoint nothing listens on: commands that fail on local input must fail before any request.
    static let unreachable = ["VISION_TRAINING_ENDPOINT": "http://127.0.0.1:9", "VISION_TRAINING_KEY": "k"]

    /// The mini subset with `broken` of its images overwritten: the first truncated, the others not images.
    private func brokenSubset(_ env: CLITestEnvironment, broken: [String]) throws -> URL {
        let root = URL(fileURLWithPath: try env.miniSubset(perClass: 2))
        for (index, name) in broken.enumerated() {
            let file = root.appendingPathComponent("IMAGES/\(name)")
            let bytes = try Data(contentsOf: file)
            try (index == 0 ? bytes.prefix(bytes.count / 3) : Data("not an image".utf8)).write(to: file)
        }
        return root
    }

    /// An image only the service refuses (40×40: under its 50-pixel side; `--no-prep` sends it as it is): the
    /// failure names the status and says what it means, and the other image is stored.
    @Test func aServiceRefusalIsExplained() async throws {
        let env = try CLITestEnvironment(server: try await ServerProcess())
        defer { env.remove() }
        let root = env.directory.appendingPathComponent("small")
        for (name, side) in [("tiny", 40), ("fine", 80)] {
            let image = RGBImage(width: side, height: side, fill: (200, 30, 30))
            try FileManager.default.createDirectory(
                at: root.appendingPathComponent("IMAGES"), withIntermediateDirectories: true)
            try FileManager.default.createDirectory(
                at: root.appendingPathComponent("ANNOTATIONS"), withIntermediateDirectories: true)
            try Data(try ImageEncoder.jpeg(image)).write(to: root.appendingPathComponent("IMAGES/\(name).jpg"))
            try Data(("<annotation><filename>\(name).jpg</filename><size><width>\(side)</width><height>\(side)"
                + "</height></size><object><name>x</name><bndbox><xmin>2</xmin><ymin>2</ymin><xmax>20</xmax>"
                + "<ymax>20</ymax></bndbox></object></annotation>").utf8)
                .write(to: root.appendingPathComponent("ANNOTATIONS/\(name).xml"))
        }
        let project = try await env.createProject()
        let output = try await env.cvctl(["upload", root.path, "--project", project, "--no-prep"])
        #expect(output.status == 5, "\(output.stderr)")
        #expect(output.stderr.contains(
            "error: IMAGES/tiny.jpg: the service answered ErrorImageSize: the file is over 6 MB, or a side is outside "
                + "50–10240 pixels"), "\(output.stderr)")
        #expect(try await env.imageCount(project) == 1)
    }

    /// A published name the service does not have refuses every image alike: after the first answer the rest fail
    /// with it unsent, and the error is printed once with the count, not once per image.
    @Test(.enabled(if: CLITestEnvironment.miniPresent))
    func predictStopsAtAWrongPublishedName() async throws {
        let server = try LoopbackHTTPServer { _ in
            .json(404, #"{"code":"NotFoundIteration","message":"No iteration is published as 'nope'."}"#)
        }
        defer { server.stop() }
        let env = try CLITestEnvironment(server: nil)
        defer { env.remove() }
        let folder = URL(fileURLWithPath: try env.miniSubset(perClass: 4)).appendingPathComponent("IMAGES")
        let output = try await env.cvctl(
            ["predict", folder.path, "--project", UUID().uuidString, "--name", "nope", "--type", "detection",
             "--concurrency", "1", "--quiet"],
            environment: ["VISION_PREDICTION_ENDPOINT": server.baseURL.absoluteString, "VISION_PREDICTION_KEY": "k"])
        #expect(output.status == 2, "\(output.stderr)")
        #expect(server.requests.count == 1)
        let lines = output.stderr.split(separator: "\n")
        #expect(lines.count == 2, "\(output.stderr)")
        #expect(lines.first?.contains("NotFoundIteration") == true && lines.first?.contains("(12 inputs, the first ")
            == true, "\(output.stderr)")
        #expect(lines.last == "error: 12 of 12 predictions failed")
    }

    @Test(.enabled(if: CLITestEnvironment.miniPresent))
    func datasetSplitPrintsOneJSONDocument() async throws {
        let env = try CLITestEnvironment(server: nil)
        defer { env.remove() }
        let out = env.directory.appendingPathComponent("split").path
        let (output, value) = try await env.json(
            ["dataset", "split", try env.miniSubset(perClass: 5), "--test", "0.2", "--seed", "1", "--out", out])
        #expect(output.status == 0, "\(output.stderr)")
        let halves = try #require(value as? [String: Any])
        #expect((halves["train"] as? [String: Any])?["images"] as? Int == 12)
        #expect((halves["test"] as? [String: Any])?["images"] as? Int == 3)
    }

    @Test(.enabled(if: CLITestEnvironment.miniPresent))
    func datasetVerifyDecodesEveryImageAndNamesATruncatedOne() async throws {
        let env = try CLITestEnvironment(server: nil)
        defer { env.remove() }
        let root = env.directory.appendingPathComponent("train")
        try FileManager.default.copyItem(at: CLITestEnvironment.mini.appendingPathComponent("train"), to: root)
        // The header survives: only decoding the whole file finds the damage.
        let image = root.appendingPathComponent("IMAGES/patches_3.jpg")
        let bytes = try Data(contentsOf: image)
        try bytes.prefix(bytes.count * 2 / 3).write(to: image)
        let (output, value) = try await env.json(["dataset", "verify", root.path])
        #expect(output.status == 65, "\(output.stderr)")
        let findings = try #require((value as? [String: Any])?["findings"] as? [[String: Any]])
        let damaged = findings.filter { $0["code"] as? String == "corruptImage" }
        #expect(damaged.count == 1, "\(findings)")
        #expect((damaged.first?["message"] as? String)?.contains("'patches_3.jpg' is damaged") == true)
        #expect((damaged.first?["location"] as? [String: Any])?["file"] as? String == "ANNOTATIONS/patches_3.xml")

        let table = try await env.cvctl(["dataset", "verify", root.path])
        #expect(table.status == 65)
        #expect(table.stdout.contains("error: ANNOTATIONS/patches_3.xml"), "\(table.stdout)")
    }

    @Test(.enabled(if: CLITestEnvironment.miniPresent))
    func aFormatPreparationRefusesIsReportedWithWhatToDo() async throws {
        let env = try CLITestEnvironment(server: nil)
        defer { env.remove() }
        let refused = "is not supported for preparation (JPEG, PNG, GIF and BMP are); "
        let advice = "the service takes JPEG, PNG, GIF and BMP only: convert it to JPEG or PNG"
        for format in ["webp", "tiff"] {
            let image = FixturePaths.fixture("bad/format.\(format)").path
            let output = try await env.cvctl(["quick-test", image, "--project", UUID().uuidString],
                                             environment: Self.unreachable)
            #expect(output.status == 65, "\(output.stderr)")
            #expect(output.stderr.contains("\(format.uppercased()) \(refused)\(advice)\n"), "\(output.stderr)")
        }

        // The format comes from the bytes: a WEBP named .jpg is refused, a BMP named .jpg is prepared as any image.
        let root = URL(fileURLWithPath: try env.miniSubset(perClass: 1))
        for (name, source) in [("patches_1", "bad/format.webp"), ("scratches_1", "images/gif-bmp/photo-128x96.bmp")] {
            try FileManager.default.removeItem(at: root.appendingPathComponent("IMAGES/\(name).jpg"))
            try FileManager.default.copyItem(at: FixturePaths.fixture(source),
                                             to: root.appendingPathComponent("IMAGES/\(name).jpg"))
        }
        let out = env.directory.appendingPathComponent("prepared").path
        let prepare = try await env.cvctl(["dataset", "prepare", root.path, "--out", out, "--to", "voc"])
        #expect(prepare.status == 5, "\(prepare.stderr)")
        #expect(prepare.stderr.contains(
            "IMAGES/patches_1.jpg: unsupportedFormat(WEBP): WEBP \(refused)\(advice)\n"), "\(prepare.stderr)")
        #expect(!prepare.stderr.contains("IMAGES/scratches_1.jpg: "), "\(prepare.stderr)")
        let written = FileManager.default.subpaths(atPath: out) ?? []
        #expect(written.contains { $0.hasSuffix("scratches_1.jpg") }, "\(written)")
    }

    @Test(.enabled(if: CLITestEnvironment.miniPresent))
    func quickTestOfABrokenImageExits65NamingIt() async throws {
        let env = try CLITestEnvironment(server: nil)
        defer { env.remove() }
        let root = try brokenSubset(env, broken: ["patches_1.jpg", "scratches_1.jpg"])
        for name in ["patches_1.jpg", "scratches_1.jpg"] {
            let image = root.appendingPathComponent("IMAGES/\(name)").path
            let output = try await env.cvctl(["quick-test", image, "--project", UUID().uuidString, "-o", "json"],
                                             environment: Self.unreachable)
            #expect(output.status == 65, "\(output.stderr)")
            #expect(output.stderr.hasPrefix("error: \(image): "), "\(output.stderr)")
            #expect(output.stdout.isEmpty)
        }
    }

    @Test(.enabled(if: CLITestEnvironment.miniPresent))
    func evaluateNamesEveryBrokenImageAndExits65() async throws {
        let env = try CLITestEnvironment(server: nil)
        defer { env.remove() }
        let broken = ["inclusion_1.jpg", "inclusion_2.jpg", "patches_1.jpg", "patches_2.jpg", "scratches_1.jpg",
                      "scratches_2.jpg"]
        let root = try brokenSubset(env, broken: broken)
        let output = try await env.cvctl(
            ["evaluate", root.path, "--project", UUID().uuidString, "--name", "v1", "-o", "json"],
            environment: Self.unreachable.merging(["VISION_PREDICTION_KEY": "p"]) { a, _ in a })
        #expect(output.status == 65, "\(output.stderr)")
        for name in broken { #expect(output.stderr.contains("IMAGES/\(name): "), "\(name): \(output.stderr)") }
        #expect(output.stderr.contains("6 of 6 images could not be evaluated"))
        #expect(output.stdout.isEmpty)
    }

    @Test(.enabled(if: CLITestEnvironment.miniPresent))
    func prepareNamesTheBoxesItDrops() async throws {
        let env = try CLITestEnvironment(server: nil)
        defer { env.remove() }
        let subset = URL(fileURLWithPath: try env.miniSubset(perClass: 1))
        let before = try await env.json(["dataset", "verify", subset.path])
        let regions = ((before.1 as? [String: Any])?["summary"] as? [String: Any])?["regionCount"] as? Int ?? 0
        let xml = subset.appendingPathComponent("ANNOTATIONS/patches_1.xml")
        var text = try String(contentsOf: xml, encoding: .utf8)
        // The first box moved wholly right of the 200-pixel image.
        for (tag, value) in [("xmin", 300), ("xmax", 350)] {
            let range = try #require(text.range(of: "<\(tag)>\\d+</\(tag)>", options: .regularExpression))
            text.replaceSubrange(range, with: "<\(tag)>\(value)</\(tag)>")
        }
        try text.write(to: xml, atomically: true, encoding: .utf8)
        let out = env.directory.appendingPathComponent("prepared").path
        let prepare = try await env.cvctl(["dataset", "prepare", subset.path, "--out", out, "--size", "64"])
        #expect(prepare.status == 0, "\(prepare.stderr)")
        #expect(prepare.stderr.contains(
            "warning: IMAGES/patches_1.jpg: box 1 (patches) left nothing inside the image and was dropped"),
            "\(prepare.stderr)")
        let after = try await env.json(["dataset", "verify", out])
        #expect(((after.1 as? [String: Any])?["summary"] as? [String: Any])?["regionCount"] as? Int == regions - 1)
    }

    @Test(.enabled(if: CLITestEnvironment.miniPresent))
    func quietStillPrintsTheDatasetsErrorFindings() async throws {
        let env = try CLITestEnvironment(server: nil)
        defer { env.remove() }
        let subset = URL(fileURLWithPath: try env.miniSubset(perClass: 2))
        let xml = subset.appendingPathComponent("ANNOTATIONS/patches_1.xml")
        let text = try String(contentsOf: xml, encoding: .utf8)
        let broken = text.replacingOccurrences(of: #"<xmin>\d+</xmin>"#, with: "<xmin>abc</xmin>",
                                               options: .regularExpression)
        #expect(broken != text)
        try broken.write(to: xml, atomically: true, encoding: .utf8)
        for quiet in [false, true] {
            let out = env.directory.appendingPathComponent("coco-\(quiet)").path
            let output = try await env.cvctl(
                ["dataset", "convert", subset.path, "--to", "coco", "--out", out] + (quiet ? ["-q"] : []))
            #expect(output.stderr.contains("ANNOTATIONS/patches_1.xml"), "quiet \(quiet): \(output.stderr)")
            #expect(output.stderr.contains("[invalidValue]"), "quiet \(quiet): \(output.stderr)")
            #expect(output.stderr.contains("dataset: ") == !quiet, "\(output.stderr)")
        }
    }

    @Test(.enabled(if: CLITestEnvironment.miniPresent))
    func aFileWhereAnOutputFolderBelongsExits65() async throws {
        let env = try CLITestEnvironment(server: nil)
        defer { env.remove() }
        let file = env.directory.appendingPathComponent("taken")
        try Data("x".utf8).write(to: file)
        let image = CLITestEnvironment.mini.appendingPathComponent("heldout/IMAGES/patches_26.jpg").path
        let project = UUID().uuidString
        let environment = Self.unreachable.merging(["VISION_PREDICTION_KEY": "p"]) { a, _ in a }
        for arguments in [
            ["predict", image, "--project", project, "--name", "v1", "--type", "detection", "--draw", file.path],
            ["image", "download", "--project", project, "--to", file.path],
            ["dataset", "pull", "--project", project, "--out", file.path],
        ] {
            let output = try await env.cvctl(arguments + ["-o", "json"], environment: environment)
            #expect(output.status == 65, "\(arguments): \(output.stderr)")
            #expect(output.stderr == "error: cannot write into \(file.path): it is a file, not a folder\n")
            #expect(output.stdout.isEmpty)
        }
    }

    @Test(.enabled(if: CLITestEnvironment.miniPresent))
    func anOutputFileInAMissingFolderExits65BeforeAnyRequest() async throws {
        let env = try CLITestEnvironment(server: nil)
        defer { env.remove() }
        let missing = env.directory.appendingPathComponent("missing/out.file").path
        let project = UUID().uuidString
        for arguments in [
            ["upload", try env.miniSubset(perClass: 1), "--project", project, "--report", missing],
            ["performance", "--project", project, "--plot", missing],
            ["export", "--project", project, "--platform", "DockerFile", "--download", missing],
        ] {
            let output = try await env.cvctl(arguments + ["-o", "json"], environment: Self.unreachable)
            #expect(output.status == 65, "\(arguments): \(output.stderr)")
            #expect(output.stderr.hasSuffix("error: cannot write \(missing): no writable folder "
                + "\(env.directory.appendingPathComponent("missing").path)\n"), "\(output.stderr)")
            #expect(output.stdout.isEmpty)
        }
    }

    @Test(.enabled(if: CLITestEnvironment.miniPresent))
    func anOutFolderThatHoldsFilesIsRefusedUnlessOverwrite() async throws {
        let env = try CLITestEnvironment(server: try await ServerProcess())
        defer { env.remove() }
        let subset = try env.miniSubset(perClass: 2)
        let out = env.directory.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let fm = FileManager.default
        try Data("notes".utf8).write(to: out.appendingPathComponent("old.txt"))
        let project = try await env.createProject()
        // These used to write their dataset among the files already there.
        let writers = [
            ["dataset", "convert", subset, "--to", "yolo", "--out", out.path],
            ["dataset", "prepare", subset, "--out", out.path, "--size", "32"],
            ["dataset", "split", subset, "--test", "0.5", "--out", out.path],
            ["dataset", "pull", "--project", project, "--out", out.path],
        ]
        for arguments in writers {
            let output = try await env.cvctl(arguments + ["-o", "json"])
            #expect(output.status == 65, "\(arguments): \(output.stderr)")
            #expect(output.stderr.hasPrefix("error: cannot write into \(out.path): it already holds files (old.txt)"),
                    "\(output.stderr)")
            #expect(output.stderr.contains("--overwrite"))
            #expect(output.stdout.isEmpty)
            #expect(try fm.contentsOfDirectory(atPath: out.path) == ["old.txt"], "\(arguments)")
        }
        // A folder that exists but is empty is fine; writing into it again is refused.
        let empty = env.directory.appendingPathComponent("empty")
        try fm.createDirectory(at: empty, withIntermediateDirectories: true)
        let convert = ["dataset", "convert", subset, "--to", "csv", "--out", empty.path]
        let first = try await env.cvctl(convert)
        #expect(first.status == 0, "\(first.stderr)")
        let again = try await env.cvctl(convert)
        #expect(again.status == 65, "\(again.stderr)")
        #expect(again.stderr.contains("it already holds files (annotations.csv and 1 more)"), "\(again.stderr)")
        // --overwrite keeps its meaning: write into the folder, replacing files of the same names.
        for arguments in writers {
            let output = try await env.cvctl(arguments + ["--overwrite"])
            #expect(output.status == 0, "\(arguments): \(output.stderr)")
        }
        let written = Set(try fm.contentsOfDirectory(atPath: out.path))
        #expect(written.isSuperset(of: ["old.txt", "data.yaml", "Annotations", "JPEGImages", "train", "test"]),
                "\(written)")
    }

    @Test(.enabled(if: CLITestEnvironment.miniPresent))
    func aStagingFolderLeftByADeadRunIsRemovedAndDoesNotBlock() async throws {
        let env = try CLITestEnvironment(server: nil)
        defer { env.remove() }
        let subset = try env.miniSubset(perClass: 2)
        let out = env.directory.appendingPathComponent("out")
        // The id of a process that has exited, as a killed `dataset prepare` leaves behind.
        let gone = try ProcessRunner.start(URL(fileURLWithPath: "/bin/true"), [], stdout: Pipe(), stderr: Pipe())
        gone.waitUntilExit()
        let stale = out.appendingPathComponent(".cvctl-prepared-\(gone.processIdentifier)")
        try FileManager.default.createDirectory(at: stale, withIntermediateDirectories: true)
        try Data("half".utf8).write(to: stale.appendingPathComponent("a.jpg"))
        let output = try await env.cvctl(["dataset", "prepare", subset, "--out", out.path, "--size", "32"])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(!FileManager.default.fileExists(atPath: stale.path))
        // A staging folder of a running process (this one) still counts.
        let live = env.directory.appendingPathComponent("live")
        try FileManager.default.createDirectory(
            at: live.appendingPathComponent(".cvctl-pull-\(getpid())"), withIntermediateDirectories: true)
        let refused = try await env.cvctl(["dataset", "prepare", subset, "--out", live.path, "--size", "32"])
        #expect(refused.status == 65, "\(refused.stderr)")
    }

    @Test func predictingAFolderWithoutImagesExits65() async throws {
        let env = try CLITestEnvironment(server: nil)
        defer { env.remove() }
        let folder = env.directory.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data("notes".utf8).write(to: folder.appendingPathComponent("README.txt"))
        let output = try await env.cvctl(
            ["predict", folder.path, "--project", UUID().uuidString, "--name", "v1", "--type", "detection", "-o",
             "json"], environment: Self.unreachable.merging(["VISION_PREDICTION_KEY": "p"]) { a, _ in a })
        #expect(output.status == 65, "\(output.stderr)")
        #expect(output.stderr.hasPrefix("error: \(folder.path) holds no image"), "\(output.stderr)")
        #expect(output.stdout.isEmpty)
    }

    @Test(.enabled(if: CLITestEnvironment.miniPresent))
    func uploadPrintsWhyEachImageFailedAndUploadsTheRest() async throws {
        let env = try CLITestEnvironment(server: try await ServerProcess())
        defer { env.remove() }
        let project = try await env.createProject()
        let root = try brokenSubset(env, broken: ["patches_1.jpg", "scratches_1.jpg"])
        try FileManager.default.removeItem(at: root.appendingPathComponent("IMAGES/inclusion_2.jpg"))
        let output = try await env.cvctl(["upload", root.path, "--project", project])
        #expect(output.status == 5, "\(output.stderr)")
        #expect(output.stderr.contains("error: IMAGES/patches_1.jpg: truncated"), "\(output.stderr)")
        #expect(output.stderr.contains("error: IMAGES/scratches_1.jpg: corrupt"), "\(output.stderr)")
        #expect(output.stderr.contains("(named by ANNOTATIONS/inclusion_2.xml"), "\(output.stderr)")
        #expect(try await env.imageCount(project) == 3)
    }
}
