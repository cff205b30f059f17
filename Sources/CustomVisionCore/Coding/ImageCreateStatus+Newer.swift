extension ImageCreateStatus {
    /// `ErrorImageDimensions`: an image whose sides are out of the service's range. Not in the v3.3 specification;
    /// newer services answer it (the Python SDK 3.1.1, built for Training 3.4-preview, lists it).
    public static let errorImageDimensions = Self("ErrorImageDimensions")
    /// `ErrorInvalidTag`: a tag id the project does not hold. Not in the v3.3 specification; newer services answer
    /// it (the Python SDK 3.1.1, built for Training 3.4-preview, lists it).
    public static let errorInvalidTag = Self("ErrorInvalidTag")
}
