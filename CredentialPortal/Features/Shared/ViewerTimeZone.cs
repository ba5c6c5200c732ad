using Microsoft.JSInterop;

namespace CredentialPortal.Features.Shared;

/// <summary>
/// The viewer's time zone, asked of the browser (the circuit runs on the server, whose zone is not the viewer's).
/// </summary>
public static class ViewerTimeZone
{
    /// <summary>The portal's own module (wwwroot): the Content-Security-Policy forbids inline scripts.</summary>
    public const string Module = "./viewer-time.js";

    /// <summary>
    /// The browser's IANA zone (daylight saving time included), else a fixed zone at its current offset; null when the
    /// browser cannot be asked (prerendering, a closed circuit): times then stay in UTC and say so.
    /// </summary>
    public static async Task<TimeZoneInfo?> ReadAsync(IJSRuntime js)
    {
        try
        {
            await using var module = await js.InvokeAsync<IJSObjectReference>("import", Module);
            var answer = await module.InvokeAsync<BrowserZone?>("timeZone");
            return answer is null ? null : FromBrowser(answer.Id, answer.OffsetMinutes);
        }
        catch (Exception ex) when (ex is JSException or JSDisconnectedException or InvalidOperationException or TaskCanceledException)
        {
            return null;
        }
    }

    /// <summary>The zone the browser named, if this server knows it; else its offset now.</summary>
    public static TimeZoneInfo? FromBrowser(string? id, int offsetMinutes)
    {
        if (!string.IsNullOrEmpty(id) && TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone))
        {
            return zone;
        }
        if (Math.Abs(offsetMinutes) > 14 * 60)
        {
            return null;
        }
        var offset = TimeSpan.FromMinutes(offsetMinutes);
        var name = $"UTC{(offset < TimeSpan.Zero ? "-" : "+")}{offset.Duration():hh\\:mm}";
        return TimeZoneInfo.CreateCustomTimeZone(name, offset, name, name);
    }

    /// <summary>What the module answers.</summary>
    public sealed record BrowserZone(string? Id, int OffsetMinutes);

    /// <summary>
    /// When <paramref name="day"/> starts in <paramref name="zone"/> (UTC without a zone), as UTC: its midnight, or where
    /// the clocks jump over midnight the first time that exists (00:30, 01:00), or where midnight happens twice the first.
    /// </summary>
    public static DateTime StartOfDayUtc(DateTime day, TimeZoneInfo? zone)
    {
        var start = DateTime.SpecifyKind(day.Date, DateTimeKind.Unspecified);
        if (zone is null)
        {
            return DateTime.SpecifyKind(start, DateTimeKind.Utc);
        }
        while (zone.IsInvalidTime(start))
        {
            start = start.AddMinutes(1);
        }
        return zone.IsAmbiguousTime(start)
            ? DateTime.SpecifyKind(start - zone.GetAmbiguousTimeOffsets(start).Max(), DateTimeKind.Utc)
            : TimeZoneInfo.ConvertTimeToUtc(start, zone);
    }
}
