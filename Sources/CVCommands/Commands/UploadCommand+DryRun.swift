import CustomVisionCore
import CustomVisionDatasets
import CustomVisionHTTP
import Foundation
import ImagePrep

/// `cvctl upload --dry-run`: everything an upload does before it sends, and nothing it changes.
extension UploadCommand {
    /// What `--dry-run` prints: what the upload would do.
    struct DryRunReport: Codable {
        var dryRun = true
        /// `uploaded` counts the images that would be sent, `requests` the batches they would take, `failed`
        /// those that would fail before any request (preparation, limits); `duplicates` is 0 (only the service
        /// knows its images).
        var summary: UploadSummary
        var failures: [UploadFailure]
        /// Tags the dataset names that the project lacks, which the upload would create.
        var tagsToCreate: [String]
    }

    /// Reads, checks and prepares the whole dataset, plans its batches within the limits, and reads the project's
    /// tags and images the journal names (GET requests only). It sends no image, creates no tag and leaves the
    /// journal as it was: the journal is read from a copy.
    func rehearse(_ context: CommandContext) async throws {
        let console = context.console
        if let report { try OutputFolder.checkFile(report) }
        let (data, findings) = try DatasetLoading.read(dataset, format: format, console: console)
        try DatasetLoading.checkNotEmpty(data, findings, path: dataset)
        let client = try context.training()
        let existing = Set(try await client.getTags(projectId: project).map(\.name))
        let scratch = FileManager.default.temporaryDirectory
            .appendingPathComponent("cvctl-dry-run-\(UUID().lowercasedText).jsonl")
        defer { try? FileManager.default.removeItem(at: scratch) }
        if FileManager.default.fileExists(atPath: journalURL.path) {
            try FileManager.default.copyItem(at: journalURL, to: scratch)
        }
        let journalFile = try UploadJournal(url: scratch)
        if await journalFile.count > 0 {
            _ = try await Self.forgetDeleted(journalFile, project: project, client: client)
        }
        let preparation = ItemPreparation(preparer: preparer, journaled: await journalFile.hashes)
        let engine = UploadEngine(
            concurrency: concurrency, isRetryable: { _ in false }, describe: { ExitStatus.message(for: $0) })
        let progress = ProgressReporter(console: console, label: "images")
        let result = try await engine.run(
            elements: PreparedItems(dataset: data, preparation: preparation), total: { data.images.count },
            journal: journalFile,
            send: { items in items.map { _ in UploadOutcome.uploaded(imageId: "", duplicate: false) } },
            progress: { s in progress.update(done: s.processed, total: s.total, note: "") })
        progress.finish()
        DatasetLoading.report(preparation.sizeFindings.all, console: console)
        let rehearsal = DryRunReport(
            summary: result.summary, failures: result.failures,
            tagsToCreate: data.allTags.filter { !existing.contains($0) })
        try writeReport(rehearsal)
        try console.emit(rehearsal) { Self.table($0) }
        for failure in result.failures.prefix(10) { console.error("\(failure.name): \(failure.reason)") }
        if result.summary.failed > 0 {
            throw CLIError.partial("\(result.summary.failed) of \(result.summary.total) images would fail")
        }
    }

    static func table(_ report: DryRunReport) -> TextTable {
        let s = report.summary
        var table = TextTable(headers: ["DRY RUN", "COUNT"])
        table.append(["images", "\(s.total)"])
        table.append(["would be uploaded", "\(s.uploaded)"])
        table.append(["skipped (journal)", "\(s.skipped)"])
        table.append(["would fail", "\(s.failed)"])
        table.append(["requests", "\(s.requests)"])
        table.append(["tags to create", "\(report.tagsToCreate.count)"])
        for tag in report.tagsToCreate.prefix(20) { table.append(["  tag: \(tag)", ""]) }
        return table
    }
}
