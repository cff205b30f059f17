import CustomVisionCore
import CustomVisionTraining
import Foundation
import HTTPTypes
import ImagePrep

/// Runs an iteration's model on image bytes and optionally stores the prediction.
struct Predictor: Sendable {
    let server: ServerContext

    /// Predicts `bytes` with `record`'s model; stores the prediction unless `store` is false. The model runs on
    /// the calling task; storing (a blob file with its fsyncs, then the metadata commit) runs on the blocking-I/O
    /// threads, so stored predictions do not hold the cooperative pool's few threads while the disk flushes.
    /// `image` stretched to the training images' common size (see `IterationRecord.inputSize`); boxes are
    /// normalized, so they need no mapping back.
    static func atTrainingSize(_ image: RGBImage, _ size: InputSize?) -> RGBImage {
        guard let size, image.width != size.width || image.height != size.height else { return image }
        return ImageResizer.resize(image, width: size.width, height: size.height)
    }

    func predict(
        _ bytes: [UInt8], record: IterationRecord, limit: Int, store: Bool, application: String? = nil
    ) async throws -> ImagePrediction {
        guard !bytes.isEmpty else {
            throw APIError.badRequest("The request has no image.", code: .badRequestImageStream)
        }
        guard bytes.count <= limit else {
            throw APIError.badRequest("The image exceeds \(limit) bytes.", code: .badRequestImageSizeBytes)
        }
        guard let image = try? ImageDecoder.decode(bytes) else {
            throw APIError.badRequest("The image format is not supported.", code: .badRequestImageFormat)
        }
        guard let digest = record.model, let projectId = record.iteration.projectId else {
            throw APIError(.notFound, .errorPredictionModelNotFound, "The iteration has no model.")
        }
        let model = try server.models.model(digest)
        let predictions = model.predict(Self.atTrainingSize(image, record.inputSize)).compactMap { p -> Prediction? in
            guard record.tagIds.indices.contains(p.tag) else { return nil }
            return Prediction(
                probability: p.probability, tagId: record.tagIds[p.tag], tagName: record.tagNames[p.tag],
                boundingBox: p.box, tagType: .regular)
        }.sorted { ($0.probability ?? 0) > ($1.probability ?? 0) }
        let result = ImagePrediction(
            id: UUID(), project: projectId, iteration: record.iteration.id, created: Date(), predictions: predictions)
        if store {
            let (server, width, height) = (server, image.width, image.height)
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
