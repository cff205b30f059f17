import CustomVisionCore
import CustomVisionTraining
import Foundation
import ImagePrep

/// Runs training in the background: gathers the project's labelled images, calls the model backend, stores the
/// model blob and moves the iteration to Completed, or to Failed with the trainer's error.
struct TrainingScheduler: Sendable {
    let server: ServerContext

    /// The labelled images a training run uses, with the tag order.
    struct Plan: Sendable {
        var kind: ModelKind
        var tagIds: [UUID]
        var tagNames: [String]
        var images: [ImageRecord]
        var fingerprint: String
    }

    /// Builds the training plan or throws the service's validation error.
    static func plan(project: Project, data: StoreData, selected: [UUID]?) throws -> Plan {
        let domain = project.settings.domainId.flatMap(Domains.domain)
        let detection = domain?.type == .objectDetection
        let kind: ModelKind =
            detection
            ? .detection
            : project.settings.classificationType == .multilabel ? .multilabel : .multiclass
        var tags = data.tags(of: project.id).map(\.tag).filter { $0.type != .negative }
            .sorted { ($0.name, $0.id.uuidString) < ($1.name, $1.id.uuidString) }
        if let selected, !selected.isEmpty { tags = tags.filter { selected.contains($0.id) } }
        let negative = data.tags(of: project.id).first { $0.tag.type == .negative }?.tag.id
        let tagSet = Set(tags.map(\.id))
        let images = data.images(of: project.id).filter { image in
            detection
                ? image.regions.contains { tagSet.contains($0.tagId) }
                : !image.allTagIds.isDisjoint(with: tagSet) || (negative.map(image.allTagIds.contains) ?? false)
        }
        // Content order, not id order: ids are random, so the same data set uploaded twice must give the same
        // split and the same model (the trainer is deterministic for a given sample order and seed).
        .sorted { ($0.blob, $0.id.uuidString) < ($1.blob, $1.id.uuidString) }
        let minimum = detection ? ServiceLimits.minImagesPerTagDetection : ServiceLimits.minImagesPerTagClassification
        let code: CustomVisionErrorCode =
            detection
            ? .badRequestDetectionTrainingValidationFailed
            : kind == .multilabel
                ? .badRequestMultiLabelClassificationTrainingValidationFailed
                : .badRequestMultiClassClassificationTrainingValidationFailed
        let used = tags.filter { tag in images.contains { $0.allTagIds.contains(tag.id) } }
        guard used.count >= (detection ? 1 : 2) else {
            throw APIError.badRequest(
                detection
                    ? "Object detection needs at least one tag with images."
                    : "Classification needs at least two tags with images.", code: code)
        }
        for tag in used {
            let count = images.filter { $0.allTagIds.contains(tag.id) }.count
            guard count >= minimum else {
                throw APIError.badRequest(
                    "Tag '\(tag.name)' has \(count) images; at least \(minimum) are needed.", code: code)
            }
        }
        var hasher = SHA256()
        hasher.update(Array("\(kind.rawValue)|\(used.map(\.id.uuidString).sorted())".utf8))
        for image in images {
            let labels = image.tags.map(\.tagId.uuidString).sorted().joined(separator: ",")
            let boxes = image.regions.map { "\($0.tagId)\($0.left),\($0.top),\($0.width),\($0.height)" }.sorted()
            hasher.update(Array("\(image.id)|\(labels)|\(boxes.joined(separator: ";"))\n".utf8))
        }
        return Plan(
            kind: kind, tagIds: used.map(\.id), tagNames: used.map(\.name), images: images,
            fingerprint: hasher.finalize().hexString)
    }

    /// Trains `plan` for `iteration` in the background.
    func start(iteration: UUID, plan: Plan, mode: TrainingMode) {
        let server = self.server
        Task.detached {
            let started = Date()
            var record: IterationRecord? = server.store.read { $0.iterations[iteration] }
            do {
                let (request, sizes) = try await Self.request(
                    plan, mode: mode, blobs: server.store.blobs, budget: server.pixelBudget)
                let inputSize = InputSize.common(sizes)
                let artifact = try await server.configuration.modelBackend.train(request)
                let digest = try server.store.blobs.put(Array(try artifact.model.serialized()))
                server.models.remember(artifact.model, digest: digest)
                record?.model = digest
                record?.evaluation = artifact.evaluation
                record?.inputSize = inputSize
                record?.iteration.status = .completed
            } catch {
                record?.iteration.status = .failed
                record?.failure = (error as? TrainingError)?.description ?? String(describing: error)
            }
            let now = Date()
            record?.iteration.trainedAt = now
            record?.iteration.lastModified = now
            record?.iteration.trainingTimeInMinutes = Int(now.timeIntervalSince(started) / 60)
            try? server.store.write { data in
                // The iteration may have been deleted meanwhile.
                if let record, data.iterations[iteration] != nil { data.put(record) }
            }
        }
    }

    /// `image` shrunk by the largest power of two that keeps both sides at least `side` (itself when even half
    /// would be smaller), as a JPEG's DCT scale shrinks it while decoding.
    static func reduced(_ image: RGBImage, toAtLeast side: Int) -> RGBImage {
        var factor = 1
        while image.width / (factor * 2) >= side, image.height / (factor * 2) >= side { factor *= 2 }
        guard factor > 1 else { return image }
        return ImageResizer.resize(image, width: image.width / factor, height: image.height / factor)
    }

    /// The training request of `plan` and each image's full upright size (what predictions are compared with).
    ///
    /// Every image is held in memory for the whole run, so a JPEG at least four times the model's feature side
    /// decodes at the DCT scale still twice that side (a 12 MP photo: 2.3 MB instead of 36 MB); the trainer
    /// resamples it to the feature side as any other. Other formats (PNG) decode at full size and are then reduced
    /// by the same rule, and so is a JPEG still that large at 1/8. Smaller images (every prepared upload) are kept
    /// as decoded. Each decode waits for room in the server's pixel budget, as predictions' do.
    private static func request(
        _ plan: Plan, mode: TrainingMode, blobs: BlobStore, budget: PixelBudget
    ) async throws -> (TrainingRequest, [InputSize]) {
        let index = Dictionary(uniqueKeysWithValues: plan.tagIds.enumerated().map { ($1, $0) })
        let side = 2 * plan.kind.featureSide
        var sizes: [InputSize] = []
        var samples: [TrainingSample] = []
        for image in plan.images {
            guard let bytes = blobs.get(image.blob) else { throw StoreError("image \(image.id) has no bytes") }
            let (decoded, header) = try await budget.decode(bytes) { _ in (side, side) }
            let rgb = reduced(decoded, toAtLeast: side)
            sizes.append(InputSize(width: header.orientedSize.width, height: header.orientedSize.height))
            let tags = image.tags.compactMap { index[$0.tagId] }
            let regions = image.regions.compactMap { r in index[r.tagId].map { LabeledBox(tag: $0, box: r.box) } }
            samples.append(TrainingSample(
                id: image.id.uuidString, image: rgb, tags: tags, regions: regions,
                isNegative: tags.isEmpty && regions.isEmpty))
        }
        let request = TrainingRequest(
            kind: plan.kind, tags: plan.tagIds.map(\.uuidString), samples: samples, mode: mode, seed: 0)
        return (request, sizes)
    }
}
