import CustomVisionCore
import CustomVisionTraining
import Foundation
import HTTPTypes
import ImagePrep

/// Runs an iteration's model on image bytes and optionally stores the prediction.
struct Predictor: Sendable {
    let server: ServerContext

    /// `image` stretched to the training images' common size (see `IterationRecord.inputSize`); boxes are
    /// normalized, so they need no mapping back.
    static func atTrainingSize(_ image: RGBImage, _ size: InputSize?) -> RGBImage {
        guard let size, image.width != size.width || image.height != size.height else { return image }
        return ImageResizer.resize(image, width: size.width, height: size.height)
    }

    /// Decodes `bytes` within the server's pixel budget for a model that sees images at `size`: a JPEG at least
    /// four times `size` on both sides decodes at a DCT scale still at least twice `size` (a 10,000-pixel photo at
    /// 1/8 for a 256 × 256 model), which ``atTrainingSize(_:_:)`` then resizes as any other image; smaller images
    /// (every ordinary one) decode at full size, as before. Returns the image and its full upright size.
    static func decode(_ bytes: [UInt8], for size: InputSize?, budget: PixelBudget) async throws -> (
        image: RGBImage, width: Int, height: Int
    ) {
        let (image, header) = try await budget.decode(bytes) { _ in size.map { (2 * $0.width, 2 * $0.height) } }
        let (width, height) = header.orientedSize
        return (image, width, height)
    }

    /// Predicts `bytes` with `record`'s model; stores the prediction unless `store` is false. The image decodes
    /// within the server's pixel budget (see ``decode(_:for:budget:)``) and the model runs on the calling task;
    /// storing (a blob file with its fsyncs, then the metadata commit) runs on the blocking-I/O threads, so stored
    /// predictions do not hold the cooperative pool's few threads while the disk flushes.
    func predict(
        _ bytes: [UInt8], record: IterationRecord, limit: Int, store: Bool, application: String? = nil
    ) async throws -> ImagePrediction {
        guard !bytes.isEmpty else {
            throw APIError.badRequest("The request has no image.", code: .badRequestImageStream)
        }
        guard bytes.count <= limit else {
            throw APIError.imageTooLarge(limit)
        }
        let decoded: (image: RGBImage, width: Int, height: Int)
        do {
            decoded = try await Self.decode(bytes, for: record.inputSize, budget: server.pixelBudget)
        } catch let cancelled as CancellationError {
            throw cancelled
        } catch {
            throw APIError.badRequest("The image format is not supported.", code: .badRequestImageFormat)
        }
        guard let digest = record.model, let projectId = record.iteration.projectId else {
            throw APIError(.notFound, .errorPredictionModelNotFound, "The iteration has no model.")
        }
        let model = try server.models.model(digest)
        let seen = Self.atTrainingSize(decoded.image, record.inputSize)
        let predictions = model.predict(seen).compactMap { p -> Prediction? in
            guard record.tagIds.indices.contains(p.tag) else { return nil }
            return Prediction(
                probability: p.probability, tagId: record.tagIds[p.tag], tagName: record.tagNames[p.tag],
                boundingBox: p.box, tagType: .regular)
        }.sorted { ($0.probability ?? 0) > ($1.probability ?? 0) }
        let result = ImagePrediction(
            id: UUID.random(), project: projectId, iteration: record.iteration.id, created: Date(),
            predictions: predictions)
        if store {
            let (server, width, height) = (server, decoded.width, decoded.height)
            try await BlockingIO.run {
                let blob = try server.store.blobs.put(bytes)
                let stored = PredictionRecord(
                    id: result.id, projectId: projectId, iterationId: record.iteration.id,
                    created: result.created ?? Date(),
                    blob: blob, width: width, height: height, predictions: predictions,
                    application: application)
                try server.store.write { data in
                    guard data.projects[projectId] != nil else { return }
                    data.put(stored)
                }
            }
        }
        return result
    }
}
