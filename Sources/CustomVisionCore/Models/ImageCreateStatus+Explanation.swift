extension ImageCreateStatus {
    /// What the status means for the image, in a sentence a person can act on; nil for a value this library does not
    /// know. The service's own answers give only the code: a failed upload report says why, with this.
    public var explanation: String? {
        switch self {
        case .ok: "stored"
        case .okDuplicate:
            "the project already holds an image with the same bytes, and keeps the tags and regions it has for it"
        case .errorSource:
            "the service could not read the image from its source (no bytes, or a URL it could not fetch)"
        case .errorImageFormat: "not a JPEG, PNG, GIF or BMP image the service can decode, or a damaged one"
        case .errorImageSize:
            "the file is over \(ServiceLimits.maxTrainingImageBytes >> 20) MB, or a side is outside "
                + "\(ServiceLimits.minImageSide)–\(ServiceLimits.maxImageSide) pixels"
        case .errorImageDimensions:
            "a side is outside \(ServiceLimits.minImageSide)–\(ServiceLimits.maxImageSide) pixels"
        case .errorStorage: "the service could not store the image; sending it again usually works"
        case .errorLimitExceed: "the project holds as many images as its pricing tier allows"
        case .errorTagLimitExceed: "the image or its batch has more than \(ServiceLimits.tagsPerBatch) tags"
        case .errorRegionLimitExceed: "the image has more than \(ServiceLimits.regionsPerBatch) regions"
        case .errorInvalidTag: "a tag id the project does not hold"
        case .errorNegativeAndRegularTagOnSameImage:
            "the image has the Negative tag and a regular tag; it can have one or the other"
        case .errorUnknown:
            "the service failed without saying why (often a tag id the project does not hold, or a passing fault); "
                + "sending it again may work"
        default: nil
        }
    }
}
