import CustomVisionCore
import ImagePrep

/// The checks the service makes before training, with its error codes.
///
/// - Every tag used must have at least ``ServiceLimits/minImagesPerTagClassification`` images (classification) or
///   ``ServiceLimits/minImagesPerTagDetection`` images with a region of it (detection); unused tags are allowed.
/// - Classification needs images of at least two classes, Negative images counting as one; detection needs one tag.
/// - A multiclass image has at most one tag; a Negative image has no tag or region.
enum TrainingValidation {
    static func validate(_ request: TrainingRequest) throws {
        let kindCode: CustomVisionErrorCode = switch request.kind {
        case .multiclass: .badRequestMultiClassClassificationTrainingValidationFailed
        case .multilabel: .badRequestMultiLabelClassificationTrainingValidationFailed
        case .detection: .badRequestDetectionTrainingValidationFailed
        }
        var counts = [Int](repeating: 0, count: request.tags.count)
        var negatives = 0
        for sample in request.samples {
            guard sample.image.width > 0, sample.image.height > 0 else {
                throw TrainingError(code: .badRequestTrainingValidationFailed, message: "image \(sample.id) is empty")
            }
            let used = request.kind == .detection ? sample.regions.map(\.tag) : sample.tags
            if let bad = used.first(where: { !request.tags.indices.contains($0) }) {
                throw TrainingError(code: .badRequestTrainingValidationFailed,
                                    message: "image \(sample.id) refers to tag index \(bad), not in the request's tags")
            }
            if sample.isNegative && !(sample.tags.isEmpty && sample.regions.isEmpty) {
                throw TrainingError(code: .badRequestNegativeAndRegularTagOnSameImage,
                                    message: "image \(sample.id) has the Negative tag and other tags")
            }
            if request.kind == .multiclass && sample.tags.count > 1 {
                throw TrainingError(code: kindCode, message: "image \(sample.id) has \(sample.tags.count) tags; "
                    + "a multiclass project allows one tag per image")
            }
            if sample.isNegative || used.isEmpty { negatives += 1 }
            for tag in Set(used) { counts[tag] += 1 }
        }
        let minimum = request.kind == .detection
            ? ServiceLimits.minImagesPerTagDetection : ServiceLimits.minImagesPerTagClassification
        for (tag, count) in zip(request.tags, counts) where count > 0 && count < minimum {
            throw TrainingError(code: .badRequestTrainingValidationFailed,
                                message: "tag \(tag) has \(count) images; training needs at least \(minimum) per tag")
        }
        let usedTags = counts.filter { $0 > 0 }.count
        if request.kind == .detection {
            guard usedTags >= 1 else {
                throw TrainingError(code: kindCode, message: "no image has a region; tag regions before training")
            }
        } else if usedTags + (negatives > 0 ? 1 : 0) < 2 {
            throw TrainingError(code: kindCode, message: usedTags == 0
                ? "no image is tagged; classification needs images of at least two tags"
                : "all images have the same tag; classification needs at least two tags (or Negative images)")
        }
    }
}
