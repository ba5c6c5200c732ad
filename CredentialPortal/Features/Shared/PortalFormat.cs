using System.Globalization;

namespace CredentialPortal.Features.Shared;

public static class PortalFormat
{
    /// <summary>A stored UTC time as people read it, e.g. "Nov 23, 2026, 14:05 UTC".</summary>
    public static string DateTime(System.DateTime utc) =>
        System.DateTime.SpecifyKind(utc, DateTimeKind.Utc).ToString("MMM d, yyyy, HH:mm 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>
    /// A stored UTC time to the second in the viewer's time zone, e.g. "Nov 23, 2026, 15:05:09"; with the zone not known
    /// yet (before the browser has told it), in UTC and saying so: "Nov 23, 2026, 14:05:09 UTC".
    /// </summary>
    public static string LocalDateTime(System.DateTime utc, TimeZoneInfo? zone)
    {
        utc = System.DateTime.SpecifyKind(utc, DateTimeKind.Utc);
        return zone is null
            ? UtcDateTime(utc)
            : TimeZoneInfo.ConvertTimeFromUtc(utc, zone).ToString("MMM d, yyyy, HH:mm:ss", CultureInfo.InvariantCulture);
    }

    /// <summary>A stored UTC time to the second, e.g. "Nov 23, 2026, 14:05:09 UTC" (the hover title of a local time).</summary>
    public static string UtcDateTime(System.DateTime utc) =>
        System.DateTime.SpecifyKind(utc, DateTimeKind.Utc).ToString("MMM d, yyyy, HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>
    /// How long something took, as people read it: "245 ms" below a second, "16.0 s" below a minute, "2 min 05 s" above.
    /// </summary>
    public static string Duration(TimeSpan duration)
    {
        if (duration < TimeSpan.Zero)
        {
            duration = TimeSpan.Zero;
        }
        if (duration < TimeSpan.FromSeconds(1))
        {
            return $"{(int)duration.TotalMilliseconds} ms";
        }
        if (duration < TimeSpan.FromSeconds(59.95))
        {
            return duration.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s";
        }
        var seconds = (long)Math.Round(duration.TotalSeconds);
        return $"{seconds / 60} min {seconds % 60:00} s";
    }
}
