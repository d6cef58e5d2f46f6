/// The version tollgate reports in `--version`, reports and capture files.
public enum TollgateVersion {
    public static let current = "0.1.0"
}
