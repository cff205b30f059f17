import CVTestSupport
import CustomVisionCore
import CustomVisionServer
import CustomVisionTraining
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

/// A classification project with 6 red and 6 blue tagged images.
func redBlueProject(_ cv: CV, name: String = "rb") async throws -> (Project, CustomVisionCore.Tag, CustomVisionCore.Tag)
{
    let project = try await cv.createProject(name)
    let red = try await cv.createTag(project.id, "red")
    let blue = try await cv.createTag(project.id, "blue")
    _ = try await cv.upload(project.id, reds(6), tags: [red.id])
    _ = try await cv.upload(project.id, blues(6), tags: [blue.id])
    return (project, red, blue)
}

/// Trains and waits; returns the finished iteration.
func trainAndWait(_ cv: CV, _ project: UUID, query: String = "") async throws -> Iteration {
    let started = try cv.decode(Iteration.self, try await cv.training(.post, "projects/\(project)/train\(query)"))
    #expect(started.status == .training)
    return try await cv.waitForIteration(project, started.id)
}

@Suite struct TrainingTests {
    @Test func refusesTrainingWithoutEnoughImages() async throws {
        try await withServer { cv in
            let project = try await cv.createProject()
            let red = try await cv.createTag(project.id, "red")
            let blue = try await cv.createTag(project.id, "blue")
            _ = try await cv.upload(project.id, reds(6), tags: [red.id])
            _ = try await cv.upload(project.id, blues(2), tags: [blue.id])
            let response = try await cv.training(.post, "projects/\(project.id)/train")
            #expect(
                try cv.error(response, status: .badRequest).code
                    == .badRequestMultiClassClassificationTrainingValidationFailed)
            // The type in any letter case (as the service binds enums); an unknown one is refused as such.
            for spelling in ["Advanced", "advanced", "ADVANCED"] {
                let advanced = try await cv.training(.post, "projects/\(project.id)/train?trainingType=\(spelling)")
                #expect(
                    try cv.error(advanced, status: .badRequest).code
                        == .badRequestReservedBudgetInHoursNotEnoughForAdvancedTraining)
            }
            let unknown = try await cv.training(.post, "projects/\(project.id)/train?trainingType=Turbo")
            #expect(try cv.error(unknown, status: .badRequest).code == .badRequestInvalid)
        }
    }

    @Test func trainsEvaluatesOnHeldOutImagesAndRefusesUnchangedRetraining() async throws {
        try await withServer { cv in
            let (project, red, _) = try await redBlueProject(cv)
            let iteration = try await trainAndWait(cv, project.id)
            #expect(iteration.status == .completed)
            #expect(iteration.trainedAt != nil)
            let again = try await cv.training(.post, "projects/\(project.id)/train")
            #expect(try cv.error(again, status: .badRequest).code == .badRequestTrainingNotNeeded)
            let forced = try await trainAndWait(cv, project.id, query: "?forceTrain=true")
            #expect(forced.status == .completed && forced.name == "Iteration 2")

            let base = "projects/\(project.id)/iterations/\(iteration.id)/performance"
            let performance = try cv.decode(
                IterationPerformance.self,
                try await cv.training(.get, "\(base)?threshold=0.5&overlapThreshold=0.3"))
            #expect(performance.precision == 1 && performance.recall == 1)
            #expect(performance.perTagPerformance?.count == 2)
            #expect((performance.averagePrecision ?? 0) > 0.99)
            let count = try cv.decode(Int.self, try await cv.training(.get, "\(base)/images/count"))
            #expect(count == 12)
            let redOnly = try cv.decode(
                [ImagePerformance].self,
                try await cv.training(.get, "\(base)/images?tagIds=\(red.id)&take=3"))
            #expect(redOnly.count == 3)
            #expect(redOnly.first?.predictions?.first?.tagName == "red")
            let iterations = try cv.decode(
                [Iteration].self, try await cv.training(.get, "projects/\(project.id)/iterations"))
            #expect(iterations.count == 2)
            let tags = try cv.decode(
                [CustomVisionCore.Tag].self,
                try await cv.training(.get, "projects/\(project.id)/tags?iterationId=\(iteration.id)"))
            #expect(Set(tags.map(\.name)) == ["red", "blue"])
        }
    }

    @Test func trainsAndPredictsWithThePackageTrainer() async throws {
        try await withServer(testConfiguration(backend: TrainerBackend())) { cv in
            let (project, red, _) = try await redBlueProject(cv)
            let iteration = try await trainAndWait(cv, project.id)
            #expect(iteration.status == .completed)
            let performance = try cv.decode(
                IterationPerformance.self,
                try await cv.training(
                    .get, "projects/\(project.id)/iterations/\(iteration.id)/performance"))
            #expect(performance.perTagPerformance?.count == 2)
            let result = try cv.decode(
                ImagePrediction.self,
                try await cv.training(
                    .post, "projects/\(project.id)/quicktest/image?store=false", body: reds(1, offset: 80)[0],
                    contentType: "application/octet-stream"))
            // Accuracy is the trainer's concern (its own tests); here: the model is stored, loaded and answers
            // with the project's tags, most probable first.
            let predicted = Set((result.predictions ?? []).compactMap(\.tagId))
            #expect(predicted.contains(red.id))
            let probabilities = result.predictions?.compactMap(\.probability) ?? []
            #expect(probabilities == probabilities.sorted(by: >))
        }
    }

    @Test func marksTheIterationFailedWhenTheTrainerFails() async throws {
        try await withServer(testConfiguration(backend: FailingBackend())) { cv in
            let (project, _, _) = try await redBlueProject(cv)
            let iteration = try await trainAndWait(cv, project.id)
            #expect(iteration.status == .failed)
            let performance = try await cv.training(
                .get, "projects/\(project.id)/iterations/\(iteration.id)/performance")
            #expect(try cv.error(performance, status: .badRequest).code == .badRequestIterationIsNotTrained)
        }
    }

    @Test func updatesAndDeletesIterations() async throws {
        try await withServer { cv in
            let (project, _, _) = try await redBlueProject(cv)
            let iteration = try await trainAndWait(cv, project.id)
            let path = "projects/\(project.id)/iterations/\(iteration.id)"
            let renamed = try cv.decode(Iteration.self, try await cv.training(.patch, path, json: ["name": "first"]))
            #expect(renamed.name == "first")
            _ = try cv.decode(Bool.self, try await cv.training(.post, "\(path)/publish?publishName=m&predictionId=x"))
            _ = try cv.error(try await cv.training(.delete, path), status: .badRequest)
            #expect(try await cv.training(.delete, "\(path)/publish").status == .noContent)
            #expect(try await cv.training(.delete, path).status == .noContent)
            _ = try cv.error(try await cv.training(.get, path), status: .notFound)
        }
    }
}

/// A backend whose training always fails, like the skeleton trainer.
struct FailingBackend: ModelBackend {
    func train(_ request: TrainingRequest) async throws -> TrainedArtifact {
        throw TrainingError(code: .badRequestNotSupported, message: "no trainer")
    }
    func load(_ data: Data) throws -> any ServedModel {
        throw TrainingError(code: .badRequestNotSupported, message: "")
    }
}
