import CustomVisionCore
import Foundation
import HashTreeCollections

/// Everything the server knows, in memory; each mutation also queues the matching SQLite change.
///
/// A writer changes a copy of the state (see `ServerStore.write`). The images, the largest part, are kept in a
/// persistent hash tree, so that the copy shares all but the paths it changes: a batch added to a project of
/// 100,000 images costs what it costs in an empty one, instead of a copy of every record.
struct StoreData: Sendable {
    var projects: [UUID: Project] = [:]
    var tags: [UUID: TagRecord] = [:]
    private(set) var images: TreeDictionary<UUID, ImageRecord> = [:]
    /// Per project, its images' ids by blob digest (what an upload looks duplicates up in), and its image count.
    private var imagesByDigest: [UUID: TreeDictionary<String, [UUID]>] = [:]
    private var imageCounts: [UUID: Int] = [:]
    var iterations: [UUID: IterationRecord] = [:]
    var predictions: [UUID: PredictionRecord] = [:]
    var exports: [UUID: ExportRecord] = [:]
    var projectExports: [UUID: ProjectExportRecord] = [:]
    /// Changes not yet committed.
    var pending: [MetadataStore.Change] = []
    /// Per project, the revision at which one of its images or tags last changed (see ``revision(of:)``).
    private var revisions: [UUID: UInt64] = [:]
    /// The last revision handed out; revisions only grow, so a project never sees one of its old values again.
    private var lastRevision: UInt64 = 0

    private static let encoder = CustomVisionJSON.makeEncoder()
    private static let decoder = CustomVisionJSON.makeDecoder()

    private mutating func queue(_ kind: MetadataStore.Kind, _ id: UUID, _ project: UUID, _ value: some Encodable) {
        let written = (value as? any JSONWritable)?.jsonBytes().map { Data($0) }
        let body = written ?? (try? Self.encoder.encode(value)) ?? Data()
        pending.append(.put(.init(kind: kind, id: id, project: project, body: body)))
    }

    mutating func put(_ project: Project) {
        projects[project.id] = project
        queue(.project, project.id, project.id, project)
    }
    mutating func put(_ tag: TagRecord) {
        tags[tag.tag.id] = tag
        touch(tag.projectId)
        queue(.tag, tag.tag.id, tag.projectId, tag)
    }
    mutating func put(_ image: ImageRecord) {
        let old = images.updateValue(image, forKey: image.id)
        if let old { unindex(old) }
        index(image)
        touch(image.projectId)
        queue(.image, image.id, image.projectId, image)
    }

    private mutating func index(_ image: ImageRecord) {
        imagesByDigest[image.projectId, default: [:]][image.blob, default: []].append(image.id)
        imageCounts[image.projectId, default: 0] += 1
    }

    private mutating func unindex(_ image: ImageRecord) {
        imagesByDigest[image.projectId]?[image.blob]?.removeAll { $0 == image.id }
        if imagesByDigest[image.projectId]?[image.blob]?.isEmpty == true {
            imagesByDigest[image.projectId]?[image.blob] = nil
        }
        imageCounts[image.projectId, default: 1] -= 1
    }
    mutating func put(_ iteration: IterationRecord) {
        iterations[iteration.iteration.id] = iteration
        queue(.iteration, iteration.iteration.id, iteration.iteration.projectId ?? UUID.random(), iteration)
    }
    mutating func put(_ prediction: PredictionRecord) {
        predictions[prediction.id] = prediction
        queue(.prediction, prediction.id, prediction.projectId, prediction)
    }
    mutating func put(_ export: ExportRecord) {
        exports[export.id] = export
        queue(.export, export.id, export.projectId, export)
    }

    mutating func put(_ export: ProjectExportRecord) {
        projectExports[export.id] = export
        queue(.projectExport, export.id, export.id, export)
    }

    mutating func remove(_ kind: MetadataStore.Kind, _ id: UUID) {
        switch kind {
        case .project: projects[id] = nil
        case .tag:
            if let project = tags[id]?.projectId { touch(project) }
            tags[id] = nil
        case .image:
            if let old = images.removeValue(forKey: id) {
                unindex(old)
                touch(old.projectId)
            }
        case .iteration: iterations[id] = nil
        case .prediction: predictions[id] = nil
        case .export: exports[id] = nil
        case .projectExport: projectExports[id] = nil
        }
        pending.append(.delete(kind, id))
    }

    /// Records a project export's bundle until `expires` (one record per bundle: exporting the same content again
    /// extends it) and forgets expired ones; returns the blobs no record references any more.
    mutating func recordProjectExport(project: UUID, blob: String, expires: Date, now: Date = Date()) -> [String] {
        var released: [String] = []
        for record in projectExports.values where record.expires < now {
            remove(.projectExport, record.id)
            released.append(record.blob)
        }
        let existing = projectExports.values.first { $0.blob == blob }
        put(ProjectExportRecord(id: existing?.id ?? UUID.random(), projectId: project, blob: blob,
            expires: max(expires, existing?.expires ?? expires)))
        let live = Set(projectExports.values.map(\.blob))
        return released.filter { !live.contains($0) }
    }

    /// Removes a project and everything it owns.
    mutating func removeProject(_ id: UUID) {
        projects[id] = nil
        revisions[id] = nil  // project ids are never reused (an import gets a new one)
        tags = tags.filter { $0.value.projectId != id }
        images = images.filter { $0.value.projectId != id }
        imagesByDigest[id] = nil
        imageCounts[id] = nil
        iterations = iterations.filter { $0.value.iteration.projectId != id }
        predictions = predictions.filter { $0.value.projectId != id }
        exports = exports.filter { $0.value.projectId != id }
        pending.append(.deleteProject(id))
    }

    /// Rebuilds the state from stored documents; undecodable documents are reported, not fatal.
    init(documents: [MetadataStore.Document], problems: inout [String]) {
        for doc in documents {
            do {
                switch doc.kind {
                case .project: projects[doc.id] = try Self.decoder.decode(Project.self, from: doc.body)
                case .tag: tags[doc.id] = try Self.decoder.decode(TagRecord.self, from: doc.body)
                case .image:
                    let image = try Self.decoder.decode(ImageRecord.self, from: doc.body)
                    if let old = images.updateValue(image, forKey: doc.id) { unindex(old) }
                    index(image)
                case .iteration: iterations[doc.id] = try Self.decoder.decode(IterationRecord.self, from: doc.body)
                case .prediction: predictions[doc.id] = try Self.decoder.decode(PredictionRecord.self, from: doc.body)
                case .export: exports[doc.id] = try Self.decoder.decode(ExportRecord.self, from: doc.body)
                case .projectExport:
                    projectExports[doc.id] = try Self.decoder.decode(ProjectExportRecord.self, from: doc.body)
                }
            } catch {
                problems.append("unreadable \(doc.kind.rawValue) \(doc.id): \(error)")
            }
        }
    }

    init() {}

    /// A number that changes whenever an image or tag of `project` is added, changed or removed (an image tagged or
    /// untagged, a region drawn, a tag deleted): what a cache of results derived from them keys on. It lives in
    /// memory only and starts over with the process.
    func revision(of project: UUID) -> UInt64 { revisions[project] ?? 0 }

    private mutating func touch(_ project: UUID) {
        lastRevision += 1
        revisions[project] = lastRevision
    }

    // MARK: Lookups that throw the service's errors

    func project(_ id: UUID) throws -> Project {
        guard let p = projects[id] else { throw APIError.projectNotFound(id) }
        return p
    }
    func tag(_ id: UUID, in project: UUID) throws -> TagRecord {
        guard let t = tags[id], t.projectId == project else { throw APIError.tagNotFound(id) }
        return t
    }
    func iteration(_ id: UUID, in project: UUID) throws -> IterationRecord {
        guard let i = iterations[id], i.iteration.projectId == project else { throw APIError.iterationNotFound(id) }
        return i
    }
    func tags(of project: UUID) -> [TagRecord] {
        tags.values.filter { $0.projectId == project }.sorted { $0.tag.name < $1.tag.name }
    }
    /// The images of `project`, in no particular order: looked up through the project's own index, so a listing,
    /// a training run or a query costs what the project holds, not what the whole store holds.
    func images(of project: UUID) -> [ImageRecord] {
        guard let byDigest = imagesByDigest[project] else { return [] }
        var found: [ImageRecord] = []
        found.reserveCapacity(imageCount(of: project))
        for ids in byDigest.values {
            for id in ids { if let image = images[id] { found.append(image) } }
        }
        return found
    }
    /// The number of images in `project`.
    func imageCount(of project: UUID) -> Int { imageCounts[project] ?? 0 }
    /// Whether a live record still refers to the blob `digest` as a URL of `kind` serves it: an image or a stored
    /// prediction for the image kinds, an iteration export for `export`, a project export for `bundle`. A URL handed
    /// out before its record was deleted then stops serving the bytes, though they stay on disk until the next start
    /// collects them.
    func refersTo(blob digest: String, kind: String) -> Bool {
        if kind == "export" { return exports.values.contains { $0.blob == digest } }
        if kind == "bundle" { return projectExports.values.contains { $0.blob == digest } }
        if imagesByDigest.values.contains(where: { $0[digest]?.isEmpty == false }) { return true }
        return predictions.values.contains { $0.blob == digest }
    }
    /// An image of `project` whose bytes have the SHA-256 `digest`, if there is one.
    func image(withDigest digest: String, in project: UUID) -> ImageRecord? {
        imagesByDigest[project]?[digest]?.first.flatMap { images[$0] }
    }
    func iterations(of project: UUID) -> [IterationRecord] {
        iterations.values.filter { $0.iteration.projectId == project }
            .sorted { ($0.iteration.created ?? .distantPast) < ($1.iteration.created ?? .distantPast) }
    }
}
