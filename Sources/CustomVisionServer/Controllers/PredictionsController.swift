import CustomVisionCore
import Foundation
import Hummingbird

/// The Prediction API (ClassifyImage, ClassifyImageUrl, DetectImage, DetectImageUrl and their `nostore` forms) on
/// published iterations, and the training API's QuickTestImage, QuickTestImageUrl, QueryPredictions and
/// DeletePrediction.
struct PredictionsController: Sendable {
    let server: ServerContext
    private var predictor: Predictor { Predictor(server: server) }

    func register(_ router: Router<BasicRequestContext>) {
        for kind in ["classify", "detect"] {
            for store in [true, false] {
                let suffix = store ? "" : "/nostore"
                router.post("prediction/:projectId/\(kind)/iterations/:publishedName/image\(suffix)") {
                    request, context in
                    var request = request
                    let record = try published(context, detect: kind == "detect")
                    let limit = ServiceLimits.maxPredictionImageBytes
                    let result = try await predictor.predict(
                        try await image(&request, limit: limit), record: record, limit: limit, store: store,
                        application: Query(request).string("application"))
                    return JSONBody.response(Self.predictionAPIShape(result))
                }
                router.post("prediction/:projectId/\(kind)/iterations/:publishedName/url\(suffix)") {
                    request, context in
                    var request = request
                    let record = try published(context, detect: kind == "detect")
                    let url = try await request.json(ImageUrl.self).url
                    let bytes = try await fetch(url, limit: ServiceLimits.maxPredictionImageBytes)
                    let result = try await predictor.predict(
                        bytes, record: record, limit: ServiceLimits.maxPredictionImageBytes, store: store,
                        application: Query(request).string("application"))
                    return JSONBody.response(Self.predictionAPIShape(result))
                }
            }
        }
        router.post("training/projects/:projectId/quicktest/image") { request, context in
            var request = request
            let query = Query(request)
            let record = try quickTestIteration(context, query)
            let limit = ServiceLimits.maxTrainingImageBytes
            return JSONBody.response(
                try await predictor.predict(
                    try await image(&request, limit: limit), record: record, limit: limit,
                    store: try query.bool("store") ?? true))
        }
        router.post("training/projects/:projectId/quicktest/url") { request, context in
            var request = request
            let query = Query(request)
            let record = try quickTestIteration(context, query)
            let url = try await request.json(ImageUrl.self).url
            let bytes = try await fetch(url, limit: ServiceLimits.maxTrainingImageBytes)
            return JSONBody.response(
                try await predictor.predict(
                    bytes, record: record, limit: ServiceLimits.maxTrainingImageBytes,
                    store: try query.bool("store") ?? true))
        }
        PredictionQueries(server: server).register(router)
    }

    /// `result` as the Prediction API v3.0 schema has it: its `Prediction` has no `tagType` (the Training API's
    /// QuickTest answers keep it).
    static func predictionAPIShape(_ result: ImagePrediction) -> ImagePrediction {
        var shaped = result
        shaped.predictions = result.predictions?.map { prediction in
            var prediction = prediction
            prediction.tagType = nil
            return prediction
        }
        return shaped
    }

    /// The image of a raw or multipart body (its first file part). The body is read no further than `limit` plus
    /// room for a multipart's headers; an image over `limit` is the service's 400 BadRequestImageSizeBytes whatever
    /// its size (the read's 413 included), as ``Predictor`` answers one just over it.
    private func image(_ request: inout Request, limit: Int) async throws -> [UInt8] {
        do {
            return try await request.imageParts(limit: limit + 65_536).first?.body ?? []
        } catch let error as APIError where error.status == .contentTooLarge {
            throw APIError.imageTooLarge(limit)
        }
    }

    /// The image at `url`; one over `limit` is BadRequestImageSizeBytes as an uploaded one is.
    private func fetch(_ url: String, limit: Int) async throws -> [UInt8] {
        do {
            return try await server.fetcher.fetch(url, limit: limit)
        } catch let failure as URLFetcher.Failure where failure.isOverLimit {
            throw APIError.imageTooLarge(limit)
        } catch let failure as URLFetcher.Failure {
            throw APIError.badRequest("Cannot fetch the image: \(failure.description).", code: .badRequestImageUrl)
        }
    }

    /// The iteration published as `publishedName` in the project.
    private func published(_ context: BasicRequestContext, detect: Bool) throws -> IterationRecord {
        let project = try context.parameters.id("projectId")
        // The router hands segments over as sent; SDKs percent-encode the name (`Iteration 1` → `Iteration%201`).
        let raw = try context.parameters.require("publishedName")
        let name = raw.removingPercentEncoding ?? raw
        return try server.store.read { data in
            let p = try data.project(project)
            let isDetection = p.settings.domainId.flatMap(Domains.domain)?.type == .objectDetection
            guard isDetection == detect else {
                throw APIError.badRequest(
                    "This operation does not fit the project's domain type.", code: .badRequestNotSupported)
            }
            guard let record = data.iterations(of: project).first(where: { $0.iteration.publishName == name }) else {
                throw APIError.notFound(.notFoundIteration, "No iteration is published as '\(name.prefix(64))'.")
            }
            return record
        }
    }

    private func quickTestIteration(_ context: BasicRequestContext, _ query: Query) throws -> IterationRecord {
        let project = try context.parameters.id("projectId")
        let id = try query.uuid("iterationId")
        return try server.store.read { data in
            _ = try data.project(project)
            let record =
                try id.map { try data.iteration($0, in: project) }
                ?? data.iterations(of: project).last { $0.iteration.status == .completed }
            guard let record, record.iteration.status == .completed else {
                throw APIError.badRequest("No trained iteration.", code: .badRequestIterationIsNotTrained)
            }
            return record
        }
    }
}
