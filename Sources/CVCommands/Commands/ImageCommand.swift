import ArgumentParser
import CustomVisionCore
import CustomVisionHTTP
import Foundation
import ImagePrep

/// Which images `image list|count` selects.
public enum TaggingFilter: String, CaseIterable, ExpressibleByArgument, Sendable {
    case all, tagged, untagged

    var status: TaggingStatus {
        switch self {
        case .all: .all
        case .tagged: .tagged
        case .untagged: .untagged
        }
    }
}

/// `cvctl image list|count|delete|download`.
public struct ImageCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "image",
        abstract: "List, count, delete and download a project's images.",
        discussion: """
            Examples:
              cvctl image count --project 0f6c…
              cvctl image list --project 0f6c… --tagging untagged --output json
              cvctl image count --project 0f6c… --tags crazing,patches
              cvctl image download --project 0f6c… --to images/
              cvctl image delete --project 0f6c… --all
            """,
        subcommands: [List.self, Count.self, Delete.self, Download.self])

    public init() {}

    struct Filter: ParsableArguments {
        @Option(help: "The project id.") var project: UUID
        @Option(help: "all | tagged | untagged.") var tagging: TaggingFilter = .all
        @Option(help: "Images of this iteration (default: the workspace).") var iteration: UUID?
        @Option(help: "Only images with these tags (names or ids, comma-separated; up to 20).") var tags: String?

        /// The tag ids of `--tags`, or nil for every image.
        func tagIds(_ client: TrainingClient) async throws -> [UUID]? {
            guard let tags else { return nil }
            return try await TagLookup.ids(tags, project: project, client: client)
        }
    }

    struct List: CVCommand {
        static let configuration = CommandConfiguration(
            commandName: "list",
            abstract: "List images with their tags and regions.",
            discussion: "Example:\n  cvctl image list --project 0f6c… --tagging untagged --limit 20")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var filter: Filter
        @Option(help: "At most this many images (0: all).") var limit = 0

        func run(_ context: CommandContext) async throws {
            var images: [Image] = []
            let client = try context.training()
            let sequence = client.images(
                projectId: filter.project, iterationId: filter.iteration, tagIds: try await filter.tagIds(client),
                taggingStatus: filter.tagging.status)
            for try await image in sequence {
                images.append(image)
                if limit > 0, images.count >= limit { break }
            }
            try context.console.emit(images) { images in
                TextTable(headers: ["ID", "SIZE", "TAGS", "REGIONS", "CREATED"], rows: images.map {
                    [$0.id.lowercasedText, "\($0.width ?? 0)x\($0.height ?? 0)",
                     Set(($0.tags ?? []).compactMap(\.tagName) + ($0.regions ?? []).compactMap(\.tagName)).sorted()
                        .joined(separator: ","),
                     "\($0.regions?.count ?? 0)", Format.date($0.created)]
                })
            }
        }
    }

    struct Count: CVCommand {
        static let configuration = CommandConfiguration(
            commandName: "count",
            abstract: "Count images; prints the number.",
            discussion: "Example:\n  cvctl image count --project 0f6c… --tagging tagged")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var filter: Filter

        func run(_ context: CommandContext) async throws {
            let client = try context.training()
            let count = try await client.getImageCount(
                projectId: filter.project, iterationId: filter.iteration, taggingStatus: filter.tagging.status,
                tagIds: try await filter.tagIds(client))
            switch context.console.format {
            case .json: try context.console.json(["count": count])
            case .table: context.console.data("\(count)")
            }
        }
    }

    struct Delete: CVCommand {
        static let configuration = CommandConfiguration(
            commandName: "delete",
            abstract: "Delete images by id, or all of them.",
            discussion: "Examples:\n  cvctl image delete --project 0f6c… 1b2c… 3d4e…\n"
                + "  cvctl image delete --project 0f6c… --all")
        @OptionGroup var global: GlobalOptions
        @Option(help: "The project id.") var project: UUID
        @Flag(help: "Delete every image of the project.") var all = false
        @Argument(help: "Image ids.") var ids: [UUID] = []

        func validate() throws {
            if all == !ids.isEmpty { throw ValidationError("give image ids or --all (not both)") }
        }

        func run(_ context: CommandContext) async throws {
            let client = try context.training()
            if all {
                try await client.deleteImages(projectId: project, allImages: true, allIterations: true)
                try context.console.report(Outcome("deleted", "images", count: nil), "deleted every image")
                return
            }
            // DeleteImages answers 204 for ids it does not hold too: those are looked up first, so the count is
            // of images that were there, and ids that were not are named.
            let unique = Array(Set(ids))
            let existing = try await ImageCommand.held(unique, project: project, client: client)
            let present = unique.filter(existing.contains)
            for start in stride(from: 0, to: present.count, by: ServiceLimits.idsPerDelete) {
                let chunk = Array(present[start..<min(present.count, start + ServiceLimits.idsPerDelete)])
                try await client.deleteImages(projectId: project, imageIds: chunk)
            }
            let missing = unique.filter { !existing.contains($0) }
            if !missing.isEmpty {
                context.console.info("warning: \(missing.count) of the ids are not images of the project: "
                    + missing.prefix(3).map(\.lowercasedText).joined(separator: ", ")
                    + (missing.count > 3 ? ", …" : ""))
            }
            try context.console.report(Outcome("deleted", "images", count: present.count),
                                       "deleted \(present.count) images")
        }
    }

    struct Download: CVCommand {
        static let configuration = CommandConfiguration(
            commandName: "download",
            abstract: "Download images (original size) into a folder, named by image id.",
            discussion: "Example:\n  cvctl image download --project 0f6c… --to images/ --tagging tagged")
        @OptionGroup var global: GlobalOptions
        @OptionGroup var filter: Filter
        @Option(help: "The folder to write into.") var to: String
        @Option(help: "Downloads in flight.") var concurrency = 4

        func validate() throws { try ImageCommand.validateConcurrency(concurrency) }

        func run(_ context: CommandContext) async throws {
            let client = try context.training()
            let folder = URL(fileURLWithPath: to)
            try OutputFolder.create(folder.path)
            let images = try await client.images(
                projectId: filter.project, iterationId: filter.iteration, tagIds: try await filter.tagIds(client),
                taggingStatus: filter.tagging.status
            ).collect()
            let downloads = try await ImageCommand.fetchAll(
                images, into: folder, projectId: filter.project, client: client, concurrency: concurrency,
                progress: ProgressReporter(console: context.console, label: "images"))
            let count = downloads.filter { (try? $0.file.get()) != nil }.count
            try context.console.report(Outcome("downloaded", "images", count: count, path: folder.path),
                                       "downloaded \(count) images to \(folder.path)")
            try ImageCommand.checkDownloaded(downloads, console: context.console)
        }
    }

    /// Which of `ids` are images of `project` (GetImagesByIds, 256 ids a request).
    static func held(_ ids: [UUID], project: UUID, client: TrainingClient) async throws -> Set<UUID> {
        var held: Set<UUID> = []
        for start in stride(from: 0, to: ids.count, by: ServiceLimits.idsPerGet) {
            let chunk = Array(ids[start..<min(ids.count, start + ServiceLimits.idsPerGet)])
            held.formUnion(try await client.getImagesByIds(projectId: project, imageIds: chunk).map(\.id))
        }
        return held
    }

    /// `--concurrency` of the commands that keep several requests in flight (upload, predict, evaluate,
    /// downloads).
    static func validateConcurrency(_ concurrency: Int) throws {
        guard (1...32).contains(concurrency) else { throw ValidationError("--concurrency must be 1…32") }
    }

    /// One image of a download: the file written (named by image id), or why it could not be.
    struct FetchedImage: Sendable {
        var image: Image
        var file: Result<URL, any Error>
    }

    /// Downloads each image that has a URI into `folder` as `ID.jpg` (see `fetch`), `concurrency` at a time, in
    /// the images' order; one image's failure (after the client's retries) does not stop the others.
    static func fetchAll(
        _ images: [Image], into folder: URL, projectId: UUID, client: TrainingClient, concurrency: Int,
        progress: ProgressReporter
    ) async throws -> [FetchedImage] {
        let downloads = try await BoundedConcurrency.map(
            images.filter { $0.originalImageUri != nil || $0.resizedImageUri != nil }, concurrency: concurrency,
            progress: progress
        ) { image in
            let uri = image.originalImageUri ?? image.resizedImageUri ?? ""
            let file = folder.appendingPathComponent(image.id.lowercasedText + ".jpg")
            do {
                return FetchedImage(image: image, file: .success(
                    try await fetch(uri, to: file, projectId: projectId, client: client)))
            } catch {
                return FetchedImage(image: image, file: .failure(error))
            }
        }
        progress.finish()
        return downloads
    }

    /// Names the images that could not be downloaded (the first ten) on stderr.
    /// - Throws: ``CLIError/partial(_:)`` (exit 5) when there are any.
    static func checkDownloaded(_ downloads: [FetchedImage], console: Console) throws {
        var failed = 0
        for download in downloads {
            guard case .failure(let error) = download.file else { continue }
            failed += 1
            if failed <= 10 {
                console.error("image \(download.image.id.lowercasedText): \(ExitStatus.message(for: error))")
            }
        }
        guard failed > 0 else { return }
        if failed > 10 { console.info("… \(failed - 10) more failures") }
        throw CLIError.partial("\(failed) of \(downloads.count) images could not be downloaded")
    }

    /// Downloads an image URI the service handed out (signed; the key is sent only to the service's own origin).
    /// An original that is not a JPEG (a PNG, GIF or BMP uploaded as it was) gets its own format's extension
    /// instead of `file`'s.
    /// - Returns: the file written.
    @discardableResult
    static func fetch(_ uri: String, to file: URL, projectId: UUID, client: TrainingClient) async throws -> URL {
        try await client.downloadImage(uri, projectId: projectId, to: file)
        let handle = try? FileHandle(forReadingFrom: file)
        let head = (try? handle?.read(upToCount: 16)) ?? nil
        try? handle?.close()
        guard let format = head.flatMap({ ImageFormat.detect([UInt8]($0)) }), format != .jpeg else { return file }
        let named = file.deletingPathExtension().appendingPathExtension(format.rawValue)
        try FileManager.default.moveItem(at: file, to: named)
        return named
    }
}
