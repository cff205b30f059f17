import CVTestSupport
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The built `cvctl` against a real `cvserver` process on 127.0.0.1.
// The limit catches a hang; with the whole suite training models on 2 cores, a run can take several minutes.
@Suite(.serialized, .timeLimit(.minutes(10)))
struct UploadEndToEndTests {
    @Test(.enabled(if: FixturePaths.neuDET != nil))
    func uploadsADatasetAndARerunSkipsEverything() async throws {
        let env = try CLITestEnvironment(server: try await ServerProcess())
        defer { env.remove() }
        let project = try await env.createProject()
        let dataset = try env.neuDETSubset(perClass: 10)
        let first = try await env.cvctl(["upload", dataset.path, "--project", project])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("uploaded"))
        #expect(try await env.imageCount(project) == 30)
        let (second, value) = try await env.json(["upload", dataset.path, "--project", project])
        #expect(second.status == 0)
        let summary = try #require((value as? [String: Any])?["summary"] as? [String: Any])
        #expect(summary["skipped"] as? Int == 30)
        #expect(summary["uploaded"] as? Int == 0)
        #expect(try await env.imageCount(project) == 30)
        let tags = try await env.cvctl(["tag", "list", "--project", project])
        #expect(tags.stdout.contains("crazing") && tags.stdout.contains("inclusion") && tags.stdout.contains("patches"))
    }

    /// `--dry-run` plans the upload and changes nothing: no image, no tag, no journal. After a real upload, a dry
    /// run finds everything in the journal and no tag to create.
    @Test(.enabled(if: CLITestEnvironment.miniPresent))
    func aDryRunPlansTheUploadAndChangesNothing() async throws {
        try await CLITestEnvironment.withMiniProject(perClass: 23) { env, project, dataset in
            let journals = env.directory.appendingPathComponent("cache/cvctl")
            let (dry, value) = try await env.json(["upload", dataset, "--project", project, "--dry-run"])
            #expect(dry.status == 0, "\(dry.stderr)")
            let plan = try #require(value as? [String: Any])
            let summary = try #require(plan["summary"] as? [String: Any])
            #expect(plan["dryRun"] as? Bool == true)
            #expect(summary["uploaded"] as? Int == 69 && summary["skipped"] as? Int == 0, "\(summary)")
            #expect(summary["requests"] as? Int == 2, "69 images in batches of at most 64: \(summary)")
            #expect(Set(plan["tagsToCreate"] as? [String] ?? []) == ["inclusion", "patches", "scratches"])
            #expect(try await env.imageCount(project) == 0)
            let tags = try await env.json(["tag", "list", "--project", project]).1 as? [Any]
            #expect(tags?.isEmpty == true, "\(tags ?? [])")
            let journalsAfterDryRun = (try? FileManager.default.contentsOfDirectory(atPath: journals.path)) ?? []
            #expect(journalsAfterDryRun.isEmpty, "\(journalsAfterDryRun)")

            let upload = try await env.cvctl(["upload", dataset, "--project", project])
            #expect(upload.status == 0, "\(upload.stderr)")
            let journal = try #require(try FileManager.default.contentsOfDirectory(atPath: journals.path).first)
            let before = try Data(contentsOf: journals.appendingPathComponent(journal))
            let (again, second) = try await env.json(["upload", dataset, "--project", project, "--dry-run"])
            #expect(again.status == 0, "\(again.stderr)")
            let secondPlan = try #require(second as? [String: Any])
            let secondSummary = try #require(secondPlan["summary"] as? [String: Any])
            #expect(secondSummary["skipped"] as? Int == 69 && secondSummary["uploaded"] as? Int == 0)
            #expect((secondPlan["tagsToCreate"] as? [String])?.isEmpty == true)
            #expect(try Data(contentsOf: journals.appendingPathComponent(journal)) == before)
            #expect(try await env.imageCount(project) == 69)
        }
    }

    @Test(.enabled(if: CLITestEnvironment.miniPresent))
    func aLabelledCopyTheServiceAlreadyHoldsIsNamed() async throws {
        try await CLITestEnvironment.withMiniProject(perClass: 1) { env, project, dataset in
            let root = URL(fileURLWithPath: dataset)
            let fm = FileManager.default
            try fm.copyItem(at: root.appendingPathComponent("IMAGES/patches_1.jpg"),
                            to: root.appendingPathComponent("IMAGES/zz_copy.jpg"))
            let xml = try String(contentsOf: root.appendingPathComponent("ANNOTATIONS/patches_1.xml"), encoding: .utf8)
            try xml.replacingOccurrences(of: "patches_1.jpg", with: "zz_copy.jpg")
                .write(to: root.appendingPathComponent("ANNOTATIONS/zz_copy.xml"), atomically: true, encoding: .utf8)
            let output = try await env.cvctl(["upload", root.path, "--project", project, "-o", "json"])
            #expect(output.status == 0, "\(output.stderr)")
            #expect(output.stderr.contains("warning: 1 labelled image(s) were already in the project (OKDuplicate: the "
                + "same bytes), which keeps the labels it has for them: IMAGES/zz_copy.jpg"), "\(output.stderr)")
            let report = try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any]
            #expect(report?["labelledDuplicates"] as? [String] == ["IMAGES/zz_copy.jpg"])
            #expect(try await env.imageCount(project) == 3)
        }
    }

    @Test(.enabled(if: FixturePaths.neuDET != nil))
    func aKilledUploadResumesToExactlyNImages() async throws {
        // Every answer takes 500 ms, so the three batches cannot all land between two looks at the journal, however
        // busy the machine is.
        let env = try CLITestEnvironment(server: try await ServerProcess(arguments: ["--latency", "500"]))
        defer { env.remove() }
        let project = try await env.createProject()
        let dataset = try env.neuDETSubset(perClass: 60)
        let journal = env.directory.appendingPathComponent("journal.jsonl")
        let process = try ProcessRunner.start(
            ProcessRunner.executable("cvctl"),
            ["upload", dataset.path, "--project", project, "--journal", journal.path, "--concurrency", "1"],
            environment: env.environment, stdout: Pipe(), stderr: Pipe())
        var journaled = 0
        for _ in 0..<600 where journaled == 0 {
            try await Task.sleep(for: .milliseconds(10))
            journaled = (try? String(contentsOf: journal, encoding: .utf8))?.split(separator: "\n").count ?? 0
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(journaled > 0 && journaled < 180, "killed after \(journaled) journaled images")
        let resumed = try await env.cvctl(["upload", dataset.path, "--project", project, "--journal", journal.path])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(try await env.imageCount(project) == 180)
    }

    @Test(.enabled(if: FixturePaths.neuDET != nil))
    func injectedFaultsLoseAndDuplicateNothing() async throws {
        let server = try await ServerProcess(arguments: ["--faults", "0.3", "--fault-kinds", "429,500,503,reset",
                                                         "--fault-seed", "11"])
        let env = try CLITestEnvironment(server: server)
        defer { env.remove() }
        let faultless = try CLITestEnvironment(server: nil)
        defer { faultless.remove() }
        var project = ""
        for _ in 0..<10 where project.isEmpty { project = (try? await env.createProject()) ?? "" }
        try #require(!project.isEmpty)
        let dataset = try env.neuDETSubset(perClass: 30)
        let upload = try await env.cvctl(["upload", dataset.path, "--project", project, "--report",
                                          env.directory.appendingPathComponent("report.json").path])
        #expect(upload.status == 0, "\(upload.stderr)")
        var count = -1
        for _ in 0..<10 where count < 0 { count = try await env.imageCount(project) }
        #expect(count == 90)
        // Each tag made once (a CreateTag whose answer was lost is found by the next listing), with its images.
        var tags: [[String: Any]] = []
        for _ in 0..<10 where tags.isEmpty {
            let (output, listed) = try await env.json(["tag", "list", "--project", project])
            if output.status == 0 { tags = listed as? [[String: Any]] ?? [] }
        }
        #expect(tags.compactMap { $0["name"] as? String }.sorted() == ["crazing", "inclusion", "patches"])
        let counts = Dictionary(tags.compactMap { tag in
            (tag["name"] as? String).map { ($0, tag["imageCount"] as? Int ?? -1) }
        }, uniquingKeysWith: { _, _ in -1 })
        #expect(counts == (try Self.imagesPerTag(in: dataset)), "\(tags)")
    }

    /// Images per tag, from a VOC dataset's files (NEU-DET labels some images with a second class).
    static func imagesPerTag(in dataset: URL) throws -> [String: Int] {
        var expected: [String: Int] = [:]
        let annotations = dataset.appendingPathComponent("ANNOTATIONS")
        for file in try FileManager.default.contentsOfDirectory(atPath: annotations.path) {
            let xml = try String(contentsOf: annotations.appendingPathComponent(file), encoding: .utf8)
            for tag in ["crazing", "inclusion", "patches"] where xml.contains("<name>\(tag)</name>") {
                expected[tag, default: 0] += 1
            }
        }
        return expected
    }

    @Test(.enabled(if: CLITestEnvironment.miniPresent))
    func aRerunUploadsAgainWhatWasDeletedFromTheProject() async throws {
        try await CLITestEnvironment.withMiniProject(perClass: 2) { env, project, dataset in
            #expect(try await env.cvctl(["upload", dataset, "--project", project]).status == 0)
            let (_, listed) = try await env.json(["image", "list", "--project", project, "--limit", "1"])
            let id = try #require((listed as? [[String: Any]])?.first?["id"] as? String)
            let stranger = UUID().uuidString.lowercased()
            let deleted = try await env.cvctl(["image", "delete", "--project", project, id, stranger, "-o", "json"])
            #expect(deleted.status == 0, "\(deleted.stderr)")
            #expect(deleted.stdout.contains("\"count\" : 1"), "only the image that was there counts: \(deleted.stdout)")
            #expect(deleted.stderr.contains("1 of the ids are not images of the project: \(stranger)"))
            let again = try await env.cvctl(["image", "delete", "--project", project, id, "-o", "json"])
            #expect(again.stdout.contains("\"count\" : 0"), "\(again.stdout)")
            let one = try await env.checkedJSON(["upload", dataset, "--project", project])
            #expect((one["summary"] as? [String: Any])?["uploaded"] as? Int == 1)
            #expect((one["summary"] as? [String: Any])?["skipped"] as? Int == 5)
            #expect(try await env.imageCount(project) == 6)
            #expect(try await env.cvctl(["image", "delete", "--project", project, "--all"]).status == 0)
            let all = try await env.checkedJSON(["upload", dataset, "--project", project])
            #expect((all["summary"] as? [String: Any])?["uploaded"] as? Int == 6)
            #expect(try await env.imageCount(project) == 6)
        }
    }

    @Test(.enabled(if: CLITestEnvironment.miniPresent))
    func imagesPreparationRefusesAreReportedWithWhatToDo() async throws {
        try await CLITestEnvironment.withMiniProject(perClass: 1) { env, project, dataset in
            let root = URL(fileURLWithPath: dataset)
            // The format comes from the bytes: a GIF and a WEBP named .jpg. The GIF is prepared as any image; the
            // WEBP, which the service does not take either, is refused with what to do.
            let sources = [("patches_1", "images/gif-bmp/photo-128x96.gif"), ("scratches_1", "bad/format.webp")]
            for (name, source) in sources {
                let image = root.appendingPathComponent("IMAGES/\(name).jpg")
                try FileManager.default.removeItem(at: image)
                try FileManager.default.copyItem(at: FixturePaths.fixture(source), to: image)
            }
            let output = try await env.cvctl(["upload", root.path, "--project", project])
            #expect(output.status == 5, "\(output.stderr)")
            #expect(!output.stderr.contains("IMAGES/patches_1.jpg: "), "\(output.stderr)")
            #expect(output.stderr.contains(
                "IMAGES/scratches_1.jpg: unsupportedFormat(WEBP): WEBP is not supported for preparation (JPEG, PNG, "
                    + "GIF and BMP are); the service takes JPEG, PNG, GIF and BMP only: convert it to JPEG or PNG\n"),
                "\(output.stderr)")
            #expect(try await env.imageCount(project) == 2)
        }
    }

    /// The dataset is read as the upload goes (VOC in parts: 16 files, 48, then 256 at a time): here "patches"
    /// first appears in the third part, after the first batch is out, and is made then.
    @Test(.enabled(if: FixturePaths.neuDET != nil))
    func aTagFirstReadInALaterPartIsMadeWhenNeeded() async throws {
        let env = try CLITestEnvironment(server: try await ServerProcess())
        defer { env.remove() }
        let project = try await env.createProject()
        let dataset = try env.neuDETSubset(perClass: 100)
        let output = try await env.cvctl(["upload", dataset.path, "--project", project, "--no-prep"])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(try await env.imageCount(project) == 300)
        let (_, value) = try await env.json(["tag", "list", "--project", project])
        let tags = try #require(value as? [[String: Any]])
        let counts = Dictionary(uniqueKeysWithValues: tags.compactMap { tag in
            (tag["name"] as? String).map { ($0, tag["imageCount"] as? Int ?? -1) }
        })
        let expected = try Self.imagesPerTag(in: dataset)
        #expect(expected["patches"].map { $0 >= 100 } == true)
        #expect(counts == expected, "\(tags)")
    }

    @Test func aMissingDatasetExits65() async throws {
        let env = try CLITestEnvironment(server: nil)
        defer { env.remove() }
        let output = try await env.cvctl(["upload", "/nonexistent/dataset", "--project", UUID().uuidString],
                                         environment: ["VISION_TRAINING_ENDPOINT": "http://127.0.0.1:9",
                                                       "VISION_TRAINING_KEY": "k"])
        #expect(output.status == 65)
        #expect(output.stderr.contains("/nonexistent/dataset"))
        #expect(output.stdout.isEmpty)
    }

    @Test(.enabled(if: CLITestEnvironment.miniPresent))
    func strictChecksTheWholeDatasetFirstAndSendsNothingWhenItHasErrors() async throws {
        let env = try CLITestEnvironment(server: try await ServerProcess())
        defer { env.remove() }
        let dataset = try env.miniSubset(perClass: 3)
        // A box of a tag-less object: an error of the dataset, found before anything is sent.
        let annotation = URL(fileURLWithPath: dataset).appendingPathComponent("ANNOTATIONS/scratches_3.xml")
        let xml = try String(contentsOf: annotation, encoding: .utf8)
        try xml.replacingOccurrences(of: "<name>scratches</name>", with: "<name></name>")
            .write(to: annotation, atomically: true, encoding: .utf8)
        let refused = try await env.createProject("refused")
        let strict = try await env.cvctl(["upload", dataset, "--project", refused, "--strict"])
        #expect(strict.status == 65, "\(strict.stderr)")
        #expect(strict.stderr.contains("scratches_3.xml"), "\(strict.stderr)")
        #expect(try await env.imageCount(refused) == 0)
        #expect(try await env.tagNames(refused).isEmpty)
        // Without --strict the same dataset goes out but for the broken box, and the error is still reported.
        let lenient = try await env.createProject("lenient")
        let sent = try await env.cvctl(["upload", dataset, "--project", lenient])
        #expect(sent.stderr.contains("scratches_3.xml"), "\(sent.stderr)")
        #expect(try await env.imageCount(lenient) >= 8)
        // Repaired, --strict uploads all of it, its tags made in dataset order.
        try xml.write(to: annotation, atomically: true, encoding: .utf8)
        let fixed = try await env.createProject("fixed")
        let upload = try await env.checkedJSON(["upload", dataset, "--project", fixed, "--strict"])
        #expect((upload["summary"] as? [String: Any])?["uploaded"] as? Int == 9)
        #expect(try await env.tagNames(fixed) == ["inclusion", "patches", "scratches"])
    }

    @Test func anUnreadableDatasetIsReportedAheadOfADeadEndpoint() async throws {
        // The dataset is read while the project's tags are listed: both fail here, and the dataset's error, which
        // reading first would have met first, is the one reported.
        let env = try CLITestEnvironment(server: nil)
        defer { env.remove() }
        let folder = env.directory.appendingPathComponent("broken-coco")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let annotations = folder.appendingPathComponent("instances.json")
        try Data(#"{"images": [{"id": 1, "file_name": "a.jpg""#.utf8).write(to: annotations)
        for _ in 0..<3 {
            let output = try await env.cvctl(
                ["upload", annotations.path, "--format", "coco", "--project", UUID().uuidString],
                environment: ["VISION_TRAINING_ENDPOINT": "http://127.0.0.1:9", "VISION_TRAINING_KEY": "k"])
            #expect(output.status == 65, "\(output.stderr)")
            #expect(output.stderr.contains("instances.json"), "\(output.stderr)")
        }
    }

    @Test(.enabled(if: CLITestEnvironment.miniPresent))
    func labelErrorsFoundWhileUploadingAreReportedAtTheEnd() async throws {
        try await CLITestEnvironment.withMiniProject(perClass: 2) { env, project, dataset in
            // 65 boxes on one image: over the service's 64 regions an image, an error of the check that runs on
            // the reading thread while the rest uploads.
            let file = URL(fileURLWithPath: dataset).appendingPathComponent("ANNOTATIONS/inclusion_1.xml")
            let xml = try String(contentsOf: file, encoding: .utf8)
            let start = try #require(xml.range(of: "<object>"))
            let end = try #require(xml.range(of: "</object>", range: start.upperBound..<xml.endIndex))
            let object = String(xml[start.lowerBound..<end.upperBound])
            try xml.replacingOccurrences(of: object, with: String(repeating: object, count: 65))
                .write(to: file, atomically: true, encoding: .utf8)
            let output = try await env.cvctl(["upload", dataset, "--project", project])
            #expect(output.status == 5, "\(output.status) \(output.stderr)")
            #expect(output.stderr.contains("warning: 1 errors in \(dataset)"), "\(output.stderr)")
            #expect(output.stderr.contains("the rest was uploaded"), "\(output.stderr)")
        }
    }

    /// The upload takes a VOC `<size>` as written while reading the dataset and checks it against the image's
    /// bytes as it sends them: a wrong size is still reported at the end, as `dataset verify` words it.
    @Test func aWrongVOCSizeIsReportedAtTheEnd() async throws {
        try await CLITestEnvironment.withMiniProject(perClass: 2) { env, project, dataset in
            let file = URL(fileURLWithPath: dataset).appendingPathComponent("ANNOTATIONS/inclusion_1.xml")
            let xml = try String(contentsOf: file, encoding: .utf8)
            let width = try #require(xml.range(of: #"<width>\d+</width>"#, options: .regularExpression))
            try xml.replacingCharacters(in: width, with: "<width>400</width>")
                .write(to: file, atomically: true, encoding: .utf8)
            let output = try await env.cvctl(["upload", dataset, "--project", project])
            #expect(output.status == 0, "\(output.status) \(output.stderr)")
            #expect(output.stderr.contains("dataset: 0 errors, 1 warnings"), "\(output.stderr)")
            #expect(output.stderr.contains("inclusion_1.xml"), "\(output.stderr)")
            #expect(output.stderr.contains("<size> is 400×200 but the image is 200×200"), "\(output.stderr)")
            let verify = try await env.cvctl(["dataset", "verify", dataset])
            #expect(verify.stdout.contains("<size> is 400×200 but the image is 200×200"), "\(verify.stdout)")
        }
    }

    @Test(.enabled(if: FixturePaths.neuDET != nil))
    func aMalformedAnnotationIsReportedAndTheRestUploads() async throws {
        let env = try CLITestEnvironment(server: try await ServerProcess())
        defer { env.remove() }
        let project = try await env.createProject()
        let dataset = try env.neuDETSubset(perClass: 3)
        try Data("<annotation><object>".utf8).write(to: dataset.appendingPathComponent("ANNOTATIONS/crazing_1.xml"))
        let output = try await env.cvctl(["upload", dataset.path, "--project", project])
        #expect(output.status == 65 || output.status == 0, "\(output.status) \(output.stderr)")
        #expect(output.stderr.contains("crazing_1.xml"))
    }
}
