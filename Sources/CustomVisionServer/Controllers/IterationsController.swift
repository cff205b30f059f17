import CustomVisionCore
import CustomVisionTraining
import Foundation
import HTTPTypes
import Hummingbird

/// Training and iterations: TrainProject, GetIterations, GetIteration, UpdateIteration, DeleteIteration,
/// PublishIteration, UnpublishIteration.
struct IterationsController: Sendable {
    let server: ServerContext

    func register(_ group: RouterGroup<BasicRequestContext>) {
        group.post("projects/:projectId/train") { request, context in
            var request = request
            let project = try context.parameters.id("projectId")
            let body = try await request.bytes(limit: 1 << 20)
            let parameters = try trainingParameters(body)
            return JSONBody.response(try train(project, Query(request), parameters))
        }
        group.get("projects/:projectId/iterations") { _, context in
            let project = try context.parameters.id("projectId")
            return JSONBody.response(
                try server.store.read { data in
                    _ = try data.project(project)
                    return data.iterations(of: project).map(\.iteration)
                })
        }
        group.get("projects/:projectId/iterations/:iterationId") { _, context in
            let (project, id) = try ids(context)
            return JSONBody.response(try server.store.read { try $0.iteration(id, in: project).iteration })
        }
        group.patch("projects/:projectId/iterations/:iterationId") { request, context in
            var request = request
            let (project, id) = try ids(context)
            let update = try await request.json(IterationUpdate.self)
            return JSONBody.response(
                try server.store.write { data in
                    var record = try data.iteration(id, in: project)
                    if let name = update.name {
                        guard !name.isEmpty, name.count <= 256 else {
                            throw APIError.badRequest("Invalid iteration name.", code: .badRequestIterationName)
                        }
                        let others = data.iterations(of: project).filter { $0.iteration.id != id }
                        guard !others.contains(where: { $0.iteration.name == name }) else {
                            throw APIError.badRequest(
                                "An iteration named '\(name)' exists.", code: .badRequestIterationNameNotUnique)
                        }
                        record.iteration.name = name
                    }
                    record.iteration.lastModified = Date()
                    data.put(record)
                    return record.iteration
                })
        }
        group.delete("projects/:projectId/iterations/:iterationId") { _, context in
            let (project, id) = try ids(context)
            try server.store.write { data in
                let record = try data.iteration(id, in: project)
                guard record.iteration.publishName == nil else {
                    throw APIError.badRequest("Unpublish the iteration first.", code: .badRequestIterationIsPublished)
                }
                data.remove(.iteration, id)
            }
            return JSONBody.empty()
        }
        group.post("projects/:projectId/iterations/:iterationId/publish") { request, context in
            let (project, id) = try ids(context)
            let query = Query(request)
            let name = try query.require("publishName")
            _ = try query.require("predictionId")
            let overwrite = try query.bool("overwrite") ?? false
            try server.store.write { data in try publish(project, id, name, query["predictionId"], overwrite, &data) }
            return JSONBody.response(true)
        }
        group.delete("projects/:projectId/iterations/:iterationId/publish") { _, context in
            let (project, id) = try ids(context)
            try server.store.write { data in
                var record = try data.iteration(id, in: project)
                guard record.iteration.publishName != nil else {
                    throw APIError.badRequest("The iteration is not published.", code: .badRequestIterationNotPublished)
                }
                record.iteration.publishName = nil
                record.iteration.originalPublishResourceId = nil
                data.put(record)
            }
            return JSONBody.empty()
        }
    }

    /// TrainProject's optional body: none (or `null`) trains every tag; a body that is not TrainingParameters is
    /// refused rather than ignored, since ignoring `selectedTags` would train tags the caller left out.
    private func trainingParameters(_ body: [UInt8]) throws -> TrainingParameters? {
        let text = String(decoding: body, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty, text != "null" else { return nil }
        do {
            return try CustomVisionJSON.decode(TrainingParameters.self, from: Data(body))
        } catch {
            throw APIError.badRequest("The request body is not valid JSON for TrainingParameters.")
        }
    }

    private func ids(_ context: BasicRequestContext) throws -> (UUID, UUID) {
        (try context.parameters.id("projectId"), try context.parameters.id("iterationId"))
    }

    private func publish(
        _ project: UUID, _ id: UUID, _ name: String, _ resource: String?, _ overwrite: Bool, _ data: inout StoreData
    ) throws {
        var record = try data.iteration(id, in: project)
        guard record.iteration.status == .completed else {
            throw APIError.badRequest("The iteration is not trained.", code: .badRequestIterationIsNotTrained)
        }
        guard name.count <= 256, !name.contains("/") else {
            throw APIError.badRequest("Invalid publish name.", code: .badRequestInvalidPublishName)
        }
        for var other in data.iterations(of: project)
        where other.iteration.id != id && other.iteration.publishName == name {
            guard overwrite else {
                throw APIError.badRequest("The publish name is in use.", code: .badRequestInvalidPublishName)
            }
            other.iteration.publishName = nil
            other.iteration.originalPublishResourceId = nil
            data.put(other)
        }
        record.iteration.publishName = name
        record.iteration.originalPublishResourceId = resource
        data.put(record)
    }

    private func train(_ project: UUID, _ query: Query, _ parameters: TrainingParameters?) throws -> Iteration {
        // Enum values bind case-insensitively, as ASP.NET's model binding does ("advanced" is Advanced).
        let type = query.string("trainingType").map { raw in
            TrainingType.matching(raw, in: [.regular, .advanced]) ?? TrainingType(rawValue: raw)
        } ?? .regular
        let budget = try query.int("reservedBudgetInHours") ?? 0
        let force = try query.bool("forceTrain") ?? false
        guard type == .regular || type == .advanced else {
            throw APIError.badRequest("Unknown training type.", code: .badRequestInvalid)
        }
        // An int32 on the wire (and in the Iteration echoed back); hours beyond it would overflow as seconds.
        guard budget <= Int(Int32.max) else {
            throw APIError.badRequest("The value '\(budget)' is not valid for reservedBudgetInHours.")
        }
        if type == .advanced, budget < 1 {
            throw APIError.badRequest(
                "Advanced training needs reservedBudgetInHours of at least 1.",
                code: .badRequestReservedBudgetInHoursNotEnoughForAdvancedTraining)
        }
        let (iteration, plan) = try server.store.write { data -> (Iteration, TrainingScheduler.Plan) in
            let p = try data.project(project)
            let iterations = data.iterations(of: project)
            if iterations.contains(where: { $0.iteration.status == .training }) {
                throw APIError.badRequest("Training is in progress.", code: .badRequestTrainingAlreadyInProgress)
            }
            let plan = try TrainingScheduler.plan(project: p, data: data, selected: parameters?.selectedTags)
            if !force, let last = iterations.last(where: { $0.iteration.status == .completed }),
                last.fingerprint == plan.fingerprint
            {
                throw APIError.badRequest(
                    "Nothing changed since the last iteration.", code: .badRequestTrainingNotNeeded)
            }
            let domain = p.settings.domainId.flatMap(Domains.domain)
            let now = Date()
            // The next number whose name is free (an iteration may have been deleted or renamed).
            let names = Set(iterations.map(\.iteration.name))
            let number = ((iterations.count + 1)...).first { !names.contains("Iteration \($0)") } ?? 1
            let iteration = Iteration(
                id: UUID.random(), name: "Iteration \(number)", status: .training, created: now,
                lastModified: now, projectId: project, exportable: domain?.exportable ?? false,
                exportableTo: domain?.exportable == true ? [.dockerFile] : [],
                domainId: p.settings.domainId, classificationType: p.settings.classificationType,
                trainingType: type, reservedBudgetInHours: type == .advanced ? budget : 0,
                trainingTimeInMinutes: 0)
            let counts = plan.images.imageCountsByTag
            data.put(
                IterationRecord(
                    iteration: iteration, tagIds: plan.tagIds, tagNames: plan.tagNames,
                    tagImageCounts: plan.tagIds.map { counts[$0] ?? 0 }, evaluation: [],
                    fingerprint: plan.fingerprint))
            return (iteration, plan)
        }
        let mode: TrainingMode = type == .advanced ? .advanced(budget: .seconds(budget * 3600)) : .regular
        TrainingScheduler(server: server).start(iteration: iteration.id, plan: plan, mode: mode)
        return iteration
    }
}

/// UpdateIteration's body.
struct IterationUpdate: Decodable {
    var name: String?
}
