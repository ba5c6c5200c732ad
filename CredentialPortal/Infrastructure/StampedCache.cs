using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Caching.Memory;

namespace CredentialPortal.Infrastructure;

/// <summary>
/// Cache entries stamped with the <see cref="CacheInvalidation"/> generation they were read in. An entry is used only
/// while that generation is current: a read that raced with a change is stale even when it is stored after the change
/// evicted its key (checking the generation before storing leaves a window between the check and the store).
/// </summary>
public static class StampedCache
{
    private sealed record Stamped<T>(long Generation, T Value);

    /// <summary>The value kept under <paramref name="key"/>, if it was read in <paramref name="generation"/>.</summary>
    public static bool TryGetStamped<T>(this IMemoryCache cache, string key, long generation, [MaybeNullWhen(false)] out T value)
        where T : notnull
    {
        if (cache.TryGetValue(key, out Stamped<T>? kept) && kept is not null && kept.Generation == generation)
        {
            value = kept.Value;
            return true;
        }
        value = default;
        return false;
    }

    /// <summary>Keeps <paramref name="value"/>, read in <paramref name="generation"/> (taken before the read), for <paramref name="lifetime"/> at most.</summary>
    public static void SetStamped<T>(this IMemoryCache cache, string key, long generation, T value, TimeSpan lifetime)
        where T : notnull =>
        cache.Set(key, new Stamped<T>(generation, value), lifetime);
}
