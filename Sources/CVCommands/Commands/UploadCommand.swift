import ArgumentParser
import CustomVisionCore
import CustomVisionDatasets
import CustomVisionHTTP
import Foundation
import ImagePrep

/// How `upload --mode` fits images to `--size`.
public enum PrepMode: String, CaseIterable, ExpressibleByArgument, Sendable {
    case stretch, fit
}

/// `cvctl upload DATASET --project ID`: the batch uploader.
public struct UploadCommand: CVCommand {
    public static let configuration = CommandConfiguration(
        commandName: "upload",
        abstract: "Upload a labelled dataset (VOC, COCO, YOLO, CSV, Create ML, folders, manifest) to a project.",
        discussion: """
            Reads the dataset, prepares each image (default: 256×256 stretch, RGB JPEG; --no-prep \
            uploads the files as they are, boxes turned upright with the EXIF orientation), creates missing \
            tags (one named Negative as the Negative tag), and uploads in batches within the service limits \
            (64 images and 20 tags per request, 64 regions per image, 12 MB of images per request), several \
            requests in flight, retrying throttled or dropped requests. OK and OKDuplicate both count \
            as done.

            A journal (content hash → image id, default ~/.cache/cvctl/journal-PROJECT-….jsonl) makes a re-run \
            skip what is already uploaded, so an interrupted upload resumes without duplicates.

            The first batches go out while the rest of the dataset is read; the dataset's findings (as \
            `cvctl dataset verify` reports them) are shown at the end. --strict reads and checks the whole \
            dataset first and uploads nothing if it has errors.

            Prints a summary; --report FILE writes every failed item with its reason as JSON. Exits 5 when any \
            item failed, 65 when the dataset cannot be read.

            Examples:
              cvctl upload Fixtures/neu-det-mini/train --project 0f6c…
              cvctl upload coco/annotations/instances.json --format coco --project 0f6c… \\
                  --size 512 --mode fit
              cvctl upload photos/ --format folders --project 0f6c… --no-prep \\
                  --report failed.json
              cvctl upload Fixtures/neu-det-mini/train --project 0f6c… --dry-run
            """)

    @OptionGroup public var global: GlobalOptions
    @Argument(help: "The dataset folder or annotation file.") var dataset: String
    @Option(help: "The project id.") var project: UUID
    @Option(
        help: "Dataset format (default: detected): voc, coco, coco-normalized, yolo, csv, createml, folders, manifest.")
    var format: DatasetFormat?
    @Flag(help: "Upload the image files unchanged.") var noPrep = false
    @Option(help: "Prepared image side in pixels.") var size = 256
    @Option(help: "stretch | fit (keep the aspect ratio, pad).") var mode: PrepMode = .stretch
    @Option(help: "JPEG quality of prepared images.") var quality = 90
    @Option(help: "Requests in flight.") var concurrency = 4
    @Option(help: "At most this many upload requests per second (the S0 tier's 10; 0: no pacing).") var rate = 10.0
    @Option(help: "Journal file (default under ~/.cache/cvctl).") var journal: String?
    @Option(help: "Write a JSON report of the summary and every failed item to FILE.") var report: String?
    @Flag(help: "Refuse to upload (exit 65) when `cvctl dataset verify` would report errors.") var strict = false
    @Flag(help: ArgumentHelp(
        "Read, check and prepare the dataset and plan its batches; upload nothing, create no tag, keep the journal.",
        discussion: "Prints what would be uploaded, skipped (journal) or fail, the requests, and the tags to create."))
    var dryRun = false

    public init() {}

    public func validate() throws {
        try Self.validatePrep(size: size, quality: quality)
        try ImageCommand.validateConcurrency(concurrency)
        guard rate >= 0, rate.isFinite else { throw ValidationError("--rate must be 0 (no pacing) or more") }
    }

    /// `--size` and `--quality` of every command that prepares images (quality `nil` where there is none).
    static func validatePrep(size: Int, quality: Int? = nil) throws {
        guard (16...4096).contains(size) else { throw ValidationError("--size must be 16…4096") }
        if let quality, !(1...100).contains(quality) { throw ValidationError("--quality must be 1…100") }
    }

    /// The journal `--journal` names, else the default one of this dataset and project.
    var journalURL: URL {
        journal.map { URL(fileURLWithPath: $0) }
            ?? UploadJournal.defaultURL(dataset: URL(fileURLWithPath: dataset), project: project.lowercasedText)
    }

    /// Writes `value` as JSON to `--report FILE`, when given.
    func writeReport(_ value: some Encodable) throws {
        guard let report else { return }
        guard FileManager.default.createFile(atPath: report, contents: try Console.encode(value)) else {
            throw CLIError.data("cannot write report \(report)")
        }
    }

    /// The preparation `--size`, `--mode` and `--quality` ask for; nil with `--no-prep`.
    var preparer: ImagePreparer? {
        let resize: ResizeMode = mode == .stretch
            ? .stretch(width: size, height: size) : .fit(width: size, height: size)
        return noPrep ? nil : ImagePreparer(options: PrepOptions(mode: resize, format: .jpeg(quality: quality)))
    }

    public func run(_ context: CommandContext) async throws {
        if dryRun { return try await rehearse(context) }
        let console = context.console
        if let report { try OutputFolder.checkFile(report) }
        // --strict reads and checks the whole dataset before anything is sent; otherwise the dataset is read on a
        // thread of its own and the first batches go out while the rest is read (findings are shown at the end).
        let whole = strict ? try Self.readChecked(dataset, format: format, console: console) : nil
        let path = dataset
        let feed = whole == nil
            ? try DatasetFeed(path: dataset, format: format) { Self.verificationErrors($0, $1, path: path) } : nil
        let client = try context.training()
        // The project's tags are listed now (while the dataset is read); missing ones are made as parts of the
        // dataset are read, a few at a time, in dataset order.
        let tags = TagRegistry(project: project, client: client, console: console,
                               read: { whole?.allTags ?? feed?.tagsRead ?? [] })
        feed?.onPart { Task { await tags.prime() } }
        do {
            try await tags.load()
        } catch {
            try await feed?.checkReadable()  // an unreadable dataset (exit 65) is reported first
            throw error
        }
        let journalFile = try UploadJournal(url: journalURL)
        let resumed = await journalFile.count
        if resumed > 0 {
            let gone = try await Self.forgetDeleted(journalFile, project: project, client: client)
            console.info("journal \(journalURL.path): \(resumed - gone) items already uploaded"
                + (gone > 0 ? "; \(gone) deleted from the project since are uploaded again" : ""))
        }

        let preparation = ItemPreparation(preparer: preparer, journaled: await journalFile.hashes)
        let engine = UploadEngine(
            concurrency: concurrency,
            isRetryable: Self.retriesBatch,
            describe: { ExitStatus.message(for: $0) })
        let projectId = project
        let pacer = RequestPacer(perSecond: rate)
        let progress = ProgressReporter(console: console, label: "images")
        let items = whole.map { PreparedItems(dataset: $0, preparation: preparation) }
            ?? PreparedItems(parts: feed!.parts, preparation: preparation)
        let result = try await engine.run(
            elements: items, total: { whole?.images.count ?? feed?.imagesRead ?? 0 },
            totalIsFinal: { feed?.readEnded ?? true },
            journal: journalFile,
            send: { items in
                try await pacer.wait()
                let tagIds = try await tags.ids(for: Set(items.flatMap { $0.tags + $0.regions.map(\.tag) }))
                return try await Self.send(items, projectId: projectId, tagIds: tagIds, client: client)
            },
            progress: { s in
                progress.update(done: s.processed, total: s.total, note: s.failed > 0 ? "\(s.failed) failed" : "")
            })
        progress.finish()
        if let feed {
            // What --strict showed before uploading: the read's findings, and the check's errors.
            let (data, findings) = try feed.outcome()
            DatasetLoading.report(findings + preparation.sizeFindings.all, console: console)
            try DatasetLoading.checkNotEmpty(data, findings, path: dataset)
            if let errors = feed.checked {
                console.info("warning: \(errors); the rest was uploaded")
            }
        }
        try writeReport(result)
        try console.emit(result) { Self.table($0) }
        if let first = result.labelledDuplicates.first {
            let count = result.labelledDuplicates.count
            console.info("warning: \(count) labelled image(s) were already in the project (OKDuplicate: the same "
                + "bytes), which keeps the labels it has for them: \(first)"
                + (count > 1 ? " and \(count - 1) more" : "")
                + " (`cvctl dataset verify` names copies with other labels)")
        }
        for failure in result.failures.prefix(10) { console.error("\(failure.name): \(failure.reason)") }
        if result.failures.count > 10 { console.info("… \(result.failures.count - 10) more failures") }
        if result.summary.failed > 0 {
            throw CLIError.partial("\(result.summary.failed) of \(result.summary.total) images failed"
                + (report == nil ? " (use --report FILE for the list)" : "; see \(report!)"))
        }
    }

    /// The dataset at `path`, read whole and checked (for --strict).
    /// - Throws: ``CLIError/data(_:)`` when it cannot be read, holds no image, or has errors.
    private static func readChecked(_ path: String, format: DatasetFormat?, console: Console) throws -> Dataset {
        let (data, findings) = try DatasetLoading.read(path, format: format, console: console)
        if let errors = verificationErrors(data, findings, path: path) { throw CLIError.data(errors) }
        return data
    }

    /// What the checks `upload` makes (labels and tags; files and duplicates are left to the service) found wrong
    /// in the dataset read from `path`, as one line; nil when nothing. Too few images of a tag for training is not
    /// among them: the project may already hold more.
    private static func verificationErrors(_ data: Dataset, _ findings: [Finding], path: String) -> String? {
        let verification = DatasetVerifier.verify(
            data, projectType: data.hasRegions ? .detection : .classification, readFindings: findings,
            options: .init(checkFiles: false, checkDuplicates: false, addsToProject: true))
        guard verification.hasErrors else { return nil }
        return "\(verification.summary.errorCount) errors in \(path) (see `cvctl dataset verify`)"
    }

    /// Whether the engine sends a batch again after `error`. The tags were listed before any batch goes out, so
    /// the endpoint is right: a connection refused from then on (a server restarting) is retried too.
    static func retriesBatch(_ error: any Error) -> Bool {
        ServiceErrorInfo(error)?.isRetryableOnceConnected ?? false
    }

    static func table(_ report: UploadReport) -> TextTable {
        let s = report.summary
        var table = TextTable(headers: ["IMAGES", "COUNT"])
        table.append(["total", "\(s.total)"])
        table.append(["uploaded", "\(s.uploaded)"])
        table.append(["already there (OKDuplicate)", "\(s.duplicates)"])
        table.append(["skipped (journal)", "\(s.skipped)"])
        table.append(["failed", "\(s.failed)"])
        table.append(["requests", "\(s.requests)"])
        table.append(["seconds", Format.number(s.seconds, digits: 1)])
        table.append(["images/s", Format.number(s.seconds > 0 ? Double(s.processed) / s.seconds : 0, digits: 1)])
        for failure in report.failures.prefix(10) { table.append(["failed: \(failure.name)", failure.status]) }
        return table
    }

    /// The project's tag ids by name, creating the missing ones. Throttled or failed calls are retried; a tag
    /// whose creation failed after reaching the service is found by the next listing instead of created twice.
    /// A connection that cannot be opened is not retried here: the client already did, briefly.
    /// - Parameter listFirst: list the project's tags before the first attempt. A caller that has just listed them
    ///   passes false: the tags are then created straight away, and listed only on a retry or when the service
    ///   answers that the name exists (another upload made it meanwhile). Either way the result holds `names`.
    static func ensureTags(
        _ names: [String], project: UUID, client: TrainingClient, console: Console, listFirst: Bool = true
    ) async throws -> [String: UUID] {
        var ids: [String: UUID] = [:]
        func list() async throws {
            for tag in try await client.getTags(projectId: project) { ids[tag.name] = tag.id }
        }
        for attempt in 1...8 {
            do {
                if listFirst || attempt > 1 { try await list() }
                for name in names where ids[name] == nil {
                    // A pulled project's Negative tag comes back as a tag name: it is created Negative again.
                    let type: TagType? = name == DatasetVerifier.negativeTagName ? .negative : nil
                    do {
                        ids[name] = try await client.createTag(projectId: project, name: name, type: type).id
                        console.info("created tag \(name)")
                    } catch let error as CustomVisionClientError where error.code == .badRequestTagNameNotUnique {
                        try await list()
                        guard ids[name] != nil else { throw error }
                    }
                }
                return ids
            } catch {
                guard attempt < 8, ServiceErrorInfo(error)?.isRetryable == true else { throw error }
                try await Task.sleep(for: .milliseconds(200 << min(attempt, 5)))
            }
        }
        return ids
    }

    /// Makes the journal forget images the project no longer has (GetImagesByIds, 256 ids a request), so a re-run
    /// after `cvctl image delete` uploads them again instead of skipping them; returns how many it forgot.
    static func forgetDeleted(_ journal: UploadJournal, project: UUID, client: TrainingClient) async throws -> Int {
        let ids = await journal.imageIds.compactMap(UUID.init(uuidString:))
        let existing = try await ImageCommand.held(ids, project: project, client: client)
        return await journal.keepOnly(imageIds: Set(existing.map(\.lowercasedText)))
    }

    /// One CreateImagesFromFiles request; maps the answer to an outcome per item.
    static func send(_ items: [UploadItem], projectId: UUID, tagIds: [String: UUID], client: TrainingClient)
        async throws -> [UploadOutcome]
    {
        let entries = items.map { item in
            ImageFileCreateEntry(
                name: item.name, contents: item.bytes,
                tagIds: item.tags.isEmpty ? nil : item.tags.compactMap { tagIds[$0] },
                regions: item.regions.isEmpty ? nil : item.regions.compactMap { region in
                    tagIds[region.tag].map { Region(tagId: $0, left: region.box.left, top: region.box.top,
                                                    width: region.box.width, height: region.box.height) }
                })
        }
        let results = try await client.createImagesFromFilesOutcomes(
            projectId: projectId, batch: ImageFileCreateBatch(images: entries)).images
        let matched = TrainingClient.match(results, sourceUrl: \.sourceUrl, to: items.map(\.name))
        return matched.map { result in
            guard let result, let status = result.status else { return .retry(status: "Missing") }
            switch status {
            case .ok, .okDuplicate:
                return .uploaded(imageId: result.imageId?.lowercasedText ?? "", duplicate: status != .ok)
            case .errorStorage, .errorUnknown:
                return .retry(status: status.rawValue)
            default:
                return .failed(status: status.rawValue, reason: "the service answered \(status.rawValue)"
                    + (status.explanation.map { ": \($0)" } ?? ""))
            }
        }
    }
}
