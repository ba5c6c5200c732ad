using System.Globalization;

namespace CredentialPortal.Features.Shared;

public static class PortalFormat
{
    /// <summary>A stored UTC time as people read it, e.g. "Nov 23, 2026, 14:05 UTC".</summary>
    public static string DateTime(System.DateTime utc) =>
        System.DateTime.SpecifyKind(utc, DateTimeKind.Utc).ToString("MMM d, yyyy, HH:mm 'UTC'", CultureInfo.InvariantCulture);
}
