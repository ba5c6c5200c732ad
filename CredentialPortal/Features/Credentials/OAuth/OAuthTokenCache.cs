using System.Collections.Concurrent;
using System.Net;

namespace CredentialPortal.Features.Credentials.OAuth;

/// <summary>
/// Which cached token: one per credential and version, so that an edited credential (a new Version) never gets a token
/// fetched with its old settings.
/// </summary>
public readonly record struct OAuthTokenKey(int CredentialId, int Version);

public sealed class OAuthTokenCacheOptions
{
    /// <summary>A token is replaced this long before it expires at most…</summary>
    public TimeSpan MaxSkew { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>…and at most this share of its lifetime early, so that short-lived tokens are still reused.</summary>
    public double SkewFraction { get; init; } = 0.1;

    /// <summary>How long to reuse a token whose response had no expires_in (the 401 retry covers an earlier expiry).</summary>
    public TimeSpan DefaultLifetime { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Bounds on each token request. Its Timeout also bounds one shared fetch as a whole (a refresh and the grant it may
    /// fall back to), which no single caller's cancellation may end, and each caller's wait for it.
    /// </summary>
    public OAuthTokenLimits Limits { get; init; } = OAuthTokenLimits.Default;
}

/// <summary>The destination's answer to a request sent with a cached token, or why no request was sent.</summary>
public sealed class OAuthSendResult(HttpResponseMessage? response, OAuthTokenResult token, bool retriedAfterUnauthorized) : IDisposable
{
    /// <summary>The final answer; null when no token could be obtained (see <see cref="Token"/>).</summary>
    public HttpResponseMessage? Response { get; } = response;

    /// <summary>The token result of the last attempt: its Message explains a missing Response.</summary>
    public OAuthTokenResult Token { get; } = token;

    /// <summary>Whether the first answer was 401 and the request went again with a fresh token.</summary>
    public bool RetriedAfterUnauthorized { get; } = retriedAfterUnauthorized;

    public void Dispose()
    {
        Response?.RequestMessage?.Dispose();
        Response?.Dispose();
    }
}

/// <summary>
/// Access tokens shared by every webhook that uses a credential: reused until shortly before they expire, fetched
/// once per key however many callers ask at the same time, renewed with the refresh token when there is one, and
/// dropped when a destination answers 401. A singleton; all time comes from the <see cref="TimeProvider"/>.
/// </summary>
public sealed class OAuthTokenCache(TimeProvider time, OAuthTokenCacheOptions? options = null)
{
    private readonly OAuthTokenCacheOptions settings = options ?? new OAuthTokenCacheOptions();
    private readonly ConcurrentDictionary<OAuthTokenKey, Entry> entries = new();

    /// <summary>The bounds its token requests get; the form's Test connection uses the same.</summary>
    public OAuthTokenLimits Limits => settings.Limits;

    private sealed class Entry
    {
        /// <summary>The last token; kept after <see cref="Invalidate(OAuthTokenKey)"/> for its refresh token.</summary>
        public OAuthToken? Token;

        public bool AccessTokenUsable;
        public Task<OAuthTokenResult>? InFlight;
    }

    /// <summary>
    /// A usable token for the credential: the cached one while fresh, else one fetched through <paramref name="http"/>
    /// (the app's token client, <see cref="CredentialPortal.Features.Delivery.DeliveryRegistration.TokenClientName"/>).
    /// Concurrent callers for one key share a single request and its result; a failure is
    /// not cached. Cancelling stops only this caller's wait, and no caller waits longer than the token timeout: a
    /// stuck request holds each delivery at most that long, whoever started it.
    /// </summary>
    public async Task<OAuthTokenResult> GetTokenAsync(HttpClient http, OAuthTokenKey key, OAuthSettings oauth, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(oauth);

        if (!entries.TryGetValue(key, out var entry))
        {
            entry = entries.GetOrAdd(key, _ => new Entry());
            ForgetOtherVersions(key);
        }

        Task<OAuthTokenResult> fetch;
        lock (entry)
        {
            if (entry is { AccessTokenUsable: true, Token: { } cached } && time.GetUtcNow() < RenewAt(cached))
            {
                return OAuthTokenResult.Success(cached);
            }
            // Started off the lock; its own completion takes the lock to clear InFlight, so it cannot clear it early.
            fetch = entry.InFlight ??= Task.Run(() => FetchAsync(entry, new OAuthTokenClient(http, time, settings.Limits), oauth), CancellationToken.None);
        }
        try
        {
            return await fetch.WaitAsync(settings.Limits.Timeout, time, cancellationToken);
        }
        catch (TimeoutException)
        {
            return OAuthTokenResult.Failed(OAuthTokenFailure.Network,
                $"The token endpoint could not be reached: no token within {settings.Limits.Timeout.TotalSeconds:0.#} s.");
        }
    }

    /// <summary>Drops the cached access token (keeping a refresh token): the next caller fetches a fresh one.</summary>
    public void Invalidate(OAuthTokenKey key) => Invalidate(key, rejectedAccessToken: null);

    /// <summary>
    /// Drops the cached access token only if it is still <paramref name="rejectedAccessToken"/>, so that callers whose
    /// requests were all answered 401 with the same old token cause one fetch, not one each.
    /// </summary>
    public void Invalidate(OAuthTokenKey key, string? rejectedAccessToken)
    {
        if (entries.TryGetValue(key, out var entry))
        {
            lock (entry)
            {
                if (rejectedAccessToken is null || entry.Token?.AccessToken == rejectedAccessToken)
                {
                    entry.AccessTokenUsable = false;
                }
            }
        }
    }

    /// <summary>Forgets every token of a credential, refresh tokens included: call it when the credential is edited or deleted.</summary>
    public void Remove(int credentialId)
    {
        foreach (var key in entries.Keys.Where(k => k.CredentialId == credentialId))
        {
            entries.TryRemove(key, out _);
        }
    }

    /// <summary>Forgets every token (another instance's change may have been missed).</summary>
    public void Clear() => entries.Clear();

    /// <summary>
    /// Sends a request with <c>Authorization: Bearer &lt;token&gt;</c>; when the destination answers 401, drops the
    /// token and sends once more with a fresh one. <paramref name="createRequest"/> builds a new request each time (a
    /// request message cannot be sent twice). The token comes through <paramref name="tokenHttp"/> (the token endpoints'
    /// client: their own deadline), the request goes through <paramref name="http"/>.
    /// </summary>
    public async Task<OAuthSendResult> SendAsync(HttpClient tokenHttp, HttpClient http, OAuthTokenKey key, OAuthSettings oauth,
        Func<HttpRequestMessage> createRequest, HttpCompletionOption completionOption = HttpCompletionOption.ResponseHeadersRead,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(createRequest);
        for (var attempt = 1; ; attempt++)
        {
            var token = await GetTokenAsync(tokenHttp, key, oauth, cancellationToken);
            if (token.Token is not { } issued)
            {
                return new OAuthSendResult(null, token, retriedAfterUnauthorized: attempt > 1);
            }

            var request = createRequest();
            HttpResponseMessage response;
            try
            {
                request.Headers.Remove("Authorization");
                request.Headers.TryAddWithoutValidation("Authorization", issued.AuthorizationHeaderValue);
                response = await http.SendAsync(request, completionOption, cancellationToken);
            }
            catch
            {
                request.Dispose();
                throw;
            }

            if (response.StatusCode != HttpStatusCode.Unauthorized || attempt > 1)
            {
                return new OAuthSendResult(response, token, retriedAfterUnauthorized: attempt > 1);
            }
            response.Dispose();
            request.Dispose();
            Invalidate(key, issued.AccessToken);
        }
    }

    /// <summary>When a token stops being reused: min(MaxSkew, SkewFraction of its lifetime) before it expires.</summary>
    public DateTimeOffset RenewAt(OAuthToken token)
    {
        if (token.ExpiresAt is not { } expiresAt)
        {
            return token.IssuedAt + settings.DefaultLifetime;
        }
        var lifetime = expiresAt - token.IssuedAt;
        var skew = TimeSpan.FromTicks(Math.Min(settings.MaxSkew.Ticks, (long)(Math.Max(0, lifetime.Ticks) * settings.SkewFraction)));
        return expiresAt - skew;
    }

    private async Task<OAuthTokenResult> FetchAsync(Entry entry, OAuthTokenClient client, OAuthSettings oauth)
    {
        OAuthTokenResult? result = null;
        var refreshFailed = false;
        try
        {
            using var timeout = new CancellationTokenSource(settings.Limits.Timeout, time);
            OAuthToken? previous;
            lock (entry)
            {
                previous = entry.Token;
            }

            if (previous?.RefreshToken is { } refreshToken
                && (previous.RefreshTokenExpiresAt is not { } refreshExpiresAt || time.GetUtcNow() < refreshExpiresAt))
            {
                result = await client.RefreshTokenAsync(oauth, refreshToken, timeout.Token);
                // A refused or failed refresh (revoked, expired, endpoint down) falls back to the grant itself.
                refreshFailed = !result.Succeeded;
            }
            if (result is not { Succeeded: true })
            {
                result = await client.RequestTokenAsync(oauth, timeout.Token);
            }
            return result;
        }
        catch (OperationCanceledException)
        {
            result = OAuthTokenResult.Failed(OAuthTokenFailure.Network,
                $"The token endpoint could not be reached: no token within {settings.Limits.Timeout.TotalSeconds:0.#} s.");
            return result;
        }
        finally
        {
            lock (entry)
            {
                entry.InFlight = null;
                if (result?.Token is { } token)
                {
                    entry.Token = token;
                    entry.AccessTokenUsable = true;
                }
                else if (refreshFailed)
                {
                    entry.Token = null; // the refresh token is spent; the next fetch starts from the grant
                }
            }
        }
    }

    private void ForgetOtherVersions(OAuthTokenKey key)
    {
        foreach (var stale in entries.Keys.Where(k => k.CredentialId == key.CredentialId && k.Version != key.Version))
        {
            entries.TryRemove(stale, out _);
        }
    }
}
