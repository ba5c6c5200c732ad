using System.Globalization;

namespace CredentialPortal.Features.Delivery;

/// <summary>
/// The delays between a delivery's attempts, e.g. <c>5s,5m,30m,2h,5h,10h,10h</c> (units ms, s, m, h): after attempt n
/// fails with something worth retrying, attempt n+1 is due after the n-th delay; after the last one, the delivery fails.
/// </summary>
public static class RetrySchedule
{
    public const string Default = "5s,5m,30m,2h,5h,10h,10h";

    /// <summary>Each delay is moved by up to this fraction either way, so that receivers that failed together are not retried together.</summary>
    public const double Jitter = 0.1;

    /// <summary>Null when <paramref name="text"/> is a valid schedule, else what is wrong with it.</summary>
    public static string? Error(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return "Webhooks:RetrySchedule is empty; give delays such as 5s,5m,30m (an empty list is not allowed).";
        }
        foreach (var part in text.Split(','))
        {
            if (TryParseDelay(part.Trim()) is null)
            {
                return $"Webhooks:RetrySchedule: '{part.Trim()}' is not a delay such as 500ms, 5s, 5m or 2h.";
            }
        }
        return null;
    }

    public static IReadOnlyList<TimeSpan> Parse(string text) =>
        Error(text) is { } error ? throw new FormatException(error) : text.Split(',').Select(p => TryParseDelay(p.Trim())!.Value).ToArray();

    private static TimeSpan? TryParseDelay(string part)
    {
        var unit = part.EndsWith("ms", StringComparison.Ordinal) ? "ms"
            : part.Length > 0 && "smh".Contains(part[^1]) ? part[^1..] : null;
        if (unit is null || !int.TryParse(part[..^unit.Length], NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            return null;
        }
        return unit switch
        {
            "ms" => TimeSpan.FromMilliseconds(value),
            "s" => TimeSpan.FromSeconds(value),
            "m" => TimeSpan.FromMinutes(value),
            _ => TimeSpan.FromHours(value),
        };
    }

    /// <summary>
    /// The wait before the next attempt after <paramref name="attemptsMade"/> attempts of this run have failed, or null
    /// when the schedule is used up. A <paramref name="retryAfter"/> (429, 503) is honoured when it asks for longer than
    /// the schedule, up to the step after this one, so that a receiver cannot park a delivery for days.
    /// </summary>
    public static TimeSpan? NextDelay(IReadOnlyList<TimeSpan> schedule, int attemptsMade, TimeSpan? retryAfter, Random random)
    {
        if (attemptsMade < 1 || attemptsMade > schedule.Count)
        {
            return null;
        }
        var step = schedule[attemptsMade - 1];
        var delay = step * (1 + Jitter * (2 * random.NextDouble() - 1));
        if (retryAfter is { } asked && asked > delay)
        {
            var cap = schedule[Math.Min(attemptsMade, schedule.Count - 1)];
            var honoured = asked < cap ? asked : cap;
            delay = honoured > delay ? honoured : delay;
        }
        return delay;
    }
}
