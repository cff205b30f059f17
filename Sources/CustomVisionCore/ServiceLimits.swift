/// The limits the Custom Vision service enforces, from the v3.3 / v3.0 specifications and their documentation.
public enum ServiceLimits {
    /// Images in one CreateImagesFromData / Files / Urls / Predictions batch.
    public static let imagesPerBatch = 64
    /// Tags applied by one image-create batch.
    public static let tagsPerBatch = 20
    /// Regions on one image in a create batch, and entries in one CreateImageRegions batch.
    public static let regionsPerBatch = 64
    /// Entries in one CreateImageTags batch.
    public static let imageTagsPerBatch = 128
    /// Bytes of one training image.
    public static let maxTrainingImageBytes = 6 * 1024 * 1024
    /// Bytes of one prediction image.
    public static let maxPredictionImageBytes = 4 * 1024 * 1024
    /// The largest `take` of a listing.
    public static let maxTake = 256
    /// The default `take` of a listing.
    public static let defaultTake = 50
    /// Ids in one delete request (DeleteImages imageIds).
    public static let idsPerDelete = 256
    /// Ids in one GetImagesByIds request.
    public static let idsPerGet = 256
    /// Smallest accepted side of an image, in pixels.
    public static let minImageSide = 50
    /// Largest accepted side of an image, in pixels (documented 10,240).
    public static let maxImageSide = 10_240
    /// Minimum images per tag before an object detection project can train.
    public static let minImagesPerTagDetection = 15
    /// Minimum images per tag before a classification project can train.
    public static let minImagesPerTagClassification = 5
}
