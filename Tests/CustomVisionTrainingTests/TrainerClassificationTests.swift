import CVTestSupport
import CustomVisionCore
import CustomVisionTraining
import ImagePrep
import Synchronization
import Testing

struct TrainerClassificationTests {
    @Test func multiclassLearnsTexturesAndColour() async throws {
        let request = Synthetic.classificationRequest(perClass: 10)
        let result = try await Trainer.train(request)
        #expect(result.model.kind == .multiclass)
        #expect(!result.evaluation.isEmpty)
        #expect(Set(result.evaluation.map(\.id)).isDisjoint(with: []) && result.evaluation.count == 6)
        #expect((result.performance.top1Accuracy ?? 0) >= 0.8)
        // Fresh images, never seen in training.
        var correct = 0
        for i in 0..<30 {
            let predictions = result.model.predict(Synthetic.texture(i % 3, seed: 99_000 + UInt64(i)))
            #expect(predictions.count == 3)
            if predictions.first?.tag == i % 3 { correct += 1 }
        }
        #expect(correct >= 27, "held-out accuracy \(correct)/30")
    }

    @Test func multilabelPredictsEachTagIndependently() async throws {
        // Tag 0: vertical stripes present; tag 1: warm tint present. Class 0 images carry no tag.
        var samples: [TrainingSample] = []
        for i in 0..<24 {
            let cls = i % 3
            let tags = cls == 1 ? [0] : cls == 2 ? [1] : []
            samples.append(TrainingSample(id: "m\(i)", image: Synthetic.texture(cls, seed: 500 + UInt64(i)),
                                          tags: tags, isNegative: tags.isEmpty))
        }
        let request = TrainingRequest(kind: .multilabel, tags: ["vertical", "warm"], samples: samples, seed: 2)
        let result = try await Trainer.train(request)
        var correct = 0
        for i in 0..<18 {
            let cls = i % 3
            let p = result.model.predict(Synthetic.texture(cls, seed: 77_000 + UInt64(i)))
            let on = Set(p.filter { $0.probability >= 0.5 }.map(\.tag))
            if on == (cls == 1 ? [0] : cls == 2 ? [1] : []) { correct += 1 }
        }
        #expect(correct >= 15, "exact tag sets \(correct)/18")
    }

    @Test func advancedTrainingLearns() async throws {
        var request = Synthetic.classificationRequest(perClass: 10, seed: 5)
        request.mode = .advanced(budget: .seconds(20))
        let result = try await Trainer.train(request)
        #expect((result.performance.top1Accuracy ?? 0) >= 0.8)
    }

    /// The budget is checked between epochs: once it is spent, each remaining fit stops after its first epoch. Counted
    /// through the progress reports (one per epoch), so the test does not depend on the machine's speed.
    @Test func aSpentBudgetStopsEveryFitAfterOneEpoch() async throws {
        var request = Synthetic.classificationRequest(perClass: 6, seed: 5)
        request.mode = .advanced(budget: .zero)
        let epochs = Mutex(0)
        let result = try await Trainer.train(request) { report in
            if report.message == "training" { epochs.withLock { $0 += 1 } }
        }
        // Classification fits twice: the evaluated model and the returned one.
        #expect(epochs.withLock { $0 } == 2)
        #expect(result.performance.top1Accuracy != nil)
        request.mode = .regular
        let regular = Mutex(0)
        _ = try await Trainer.train(request) { report in
            if report.message == "training" { regular.withLock { $0 += 1 } }
        }
        #expect(regular.withLock { $0 } > 2)
    }

    @Test func sameSeedGivesSameModel() async throws {
        let request = Synthetic.classificationRequest(perClass: 6, seed: 4)
        let a = try await Trainer.train(request)
        let b = try await Trainer.train(request)
        #expect(try a.model.serialized() == b.model.serialized())
        #expect(a.evaluation == b.evaluation)
    }

    @Test func reportsProgressAndHonoursCancellation() async throws {
        let request = Synthetic.classificationRequest(perClass: 6)
        let task = Task { try await Trainer.train(request) }
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        let fractions = Fractions()
        _ = try await Trainer.train(request) { fractions.append($0.fraction) }
        let seen = fractions.values
        #expect(seen.first == 0 && seen.last == 1)
        #expect(zip(seen, seen.dropFirst()).allSatisfy { $0 <= $1 })
    }
}

/// Collects progress fractions from the trainer's callback.
final class Fractions: @unchecked Sendable {
    private var storage: [Double] = []
    private let lock = NSLock()
    func append(_ value: Double) { lock.withLock { storage.append(value) } }
    var values: [Double] { lock.withLock { storage } }
}

import Foundation
