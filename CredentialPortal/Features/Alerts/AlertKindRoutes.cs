namespace CredentialPortal.Features.Alerts;

/// <summary>
/// Where each kind's pages live: /flexible-actions/{slug}/… (<see cref="AlertCatalogue.Slug"/>), and back from such an
/// address to the kind, so a page that serves both kinds reads its kind here instead of guessing from the URL.
/// </summary>
public static class AlertKindRoutes
{
    private const string Section = "flexible-actions";

    /// <summary>The kind whose slug this is (case-insensitive), or null.</summary>
    public static AlertKind? FromSlug(string? slug) =>
        Enum.GetValues<AlertKind>().Cast<AlertKind?>()
            .FirstOrDefault(kind => string.Equals(kind!.Value.Slug(), slug, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// The kind of a base-relative address such as "flexible-actions/platform-events/new" (query and fragment ignored),
    /// or null when it is not under a kind's section.
    /// </summary>
    public static AlertKind? FromPath(string baseRelativePath)
    {
        var path = baseRelativePath.Split('?', '#')[0];
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return segments.Length >= 2 && segments[0].Equals(Section, StringComparison.OrdinalIgnoreCase)
            ? FromSlug(segments[1])
            : null;
    }
}
