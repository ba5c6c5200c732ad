using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using CredentialPortal.Features.Credentials.OAuth;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace CredentialPortal.Tests.Features.Credentials.OAuth;

public sealed class OAuthTokenCacheTests
{
    private static readonly OAuthTokenKey Key = new(7, 1);

    private static OAuthSettings Settings(string tokenUrl = "https://auth.example.com/token", OAuthGrantType grant = OAuthGrantType.ClientCredentials) => new()
    {
        GrantType = grant,
        TokenUrl = tokenUrl,
        ClientId = "portal",
        Secret = "secret-1234",
        Username = "alice",
        Password = "password-1234",
    };

    /// <summary>A scripted token endpoint: numbered tokens, the grant of each request, an optional gate to hold answers.</summary>
    private sealed class TokenEndpoint : HttpMessageHandler
    {
        private readonly TaskCompletionSource firstRequest = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int count;

        public ConcurrentQueue<Dictionary<string, string>> Requests { get; } = new();
        public int? ExpiresIn { get; set; } = 3600;
        public bool IssueRefreshTokens { get; set; }
        public HttpStatusCode? FailRefreshWith { get; set; }
        public TaskCompletionSource? Gate { get; set; }
        public int Count => Volatile.Read(ref count);

        /// <summary>Completes once the first token request has arrived.</summary>
        public Task FirstRequest => firstRequest.Task;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var form = (await request.Content!.ReadAsStringAsync(cancellationToken)).Split('&')
                .Select(pair => pair.Split('='))
                .ToDictionary(pair => WebUtility.UrlDecode(pair[0]), pair => WebUtility.UrlDecode(pair[1]));
            Requests.Enqueue(form);
            var n = Interlocked.Increment(ref count);
            firstRequest.TrySetResult();
            if (Gate is { } gate)
            {
                await gate.Task.WaitAsync(cancellationToken);
            }

            if (form["grant_type"] == "refresh_token" && FailRefreshWith is { } status)
            {
                return Json(status, new Dictionary<string, object> { ["error"] = "invalid_grant" });
            }
            var body = new Dictionary<string, object> { ["access_token"] = $"token-{n}", ["token_type"] = "bearer" };
            if (ExpiresIn is { } expiresIn)
            {
                body["expires_in"] = expiresIn;
            }
            if (IssueRefreshTokens)
            {
                body["refresh_token"] = $"refresh-{n}";
            }
            return Json(HttpStatusCode.OK, body);
        }

        private static HttpResponseMessage Json(HttpStatusCode status, object body) => new(status)
        {
            Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"),
        };
    }

    private static (OAuthTokenCache Cache, FakeTimeProvider Clock, TokenEndpoint Endpoint, HttpClient Http) Create()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero));
        var endpoint = new TokenEndpoint();
        return (new OAuthTokenCache(clock), clock, endpoint, new HttpClient(endpoint));
    }

    [Fact]
    public async Task A_token_is_reused_until_shortly_before_it_expires_then_fetched_again()
    {
        var (cache, clock, endpoint, http) = Create();

        var first = await cache.GetTokenAsync(http, Key, Settings());
        Assert.Equal("token-1", first.Token!.AccessToken);

        // One hour's token: reused for 59 minutes (60 s skew), whatever the number of callers.
        clock.Advance(TimeSpan.FromMinutes(58) + TimeSpan.FromSeconds(59));
        Assert.Equal("token-1", (await cache.GetTokenAsync(http, Key, Settings())).Token!.AccessToken);
        Assert.Equal(1, endpoint.Count);

        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("token-2", (await cache.GetTokenAsync(http, Key, Settings())).Token!.AccessToken);
        Assert.Equal(2, endpoint.Count);
    }

    [Fact]
    public async Task A_short_lived_token_is_renewed_a_tenth_of_its_life_early()
    {
        var (cache, clock, endpoint, http) = Create();
        endpoint.ExpiresIn = 100;

        var token = (await cache.GetTokenAsync(http, Key, Settings())).Token!;
        Assert.Equal(token.IssuedAt.AddSeconds(90), cache.RenewAt(token));

        clock.Advance(TimeSpan.FromSeconds(89));
        await cache.GetTokenAsync(http, Key, Settings());
        Assert.Equal(1, endpoint.Count);
        clock.Advance(TimeSpan.FromSeconds(1));
        await cache.GetTokenAsync(http, Key, Settings());
        Assert.Equal(2, endpoint.Count);
    }

    [Fact]
    public async Task A_token_without_expires_in_is_reused_for_the_default_lifetime()
    {
        var (cache, clock, endpoint, http) = Create();
        endpoint.ExpiresIn = null;

        await cache.GetTokenAsync(http, Key, Settings());
        clock.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromTicks(1));
        await cache.GetTokenAsync(http, Key, Settings());
        Assert.Equal(1, endpoint.Count);

        clock.Advance(TimeSpan.FromTicks(1));
        await cache.GetTokenAsync(http, Key, Settings());
        Assert.Equal(2, endpoint.Count);
    }

    [Fact]
    public async Task An_expiring_token_is_renewed_with_the_refresh_token()
    {
        var (cache, clock, endpoint, http) = Create();
        endpoint.IssueRefreshTokens = true;
        var settings = Settings(grant: OAuthGrantType.PasswordCredentials);

        await cache.GetTokenAsync(http, Key, settings);
        clock.Advance(TimeSpan.FromHours(1));
        var renewed = await cache.GetTokenAsync(http, Key, settings);

        Assert.Equal("token-2", renewed.Token!.AccessToken);
        Assert.Equal(["password", "refresh_token"], endpoint.Requests.Select(r => r["grant_type"]));
        Assert.Equal("refresh-1", endpoint.Requests.Last()["refresh_token"]);
        Assert.Equal("refresh-2", renewed.Token.RefreshToken);
    }

    [Fact]
    public async Task A_refused_refresh_falls_back_to_the_grant()
    {
        var (cache, clock, endpoint, http) = Create();
        endpoint.IssueRefreshTokens = true;
        endpoint.FailRefreshWith = HttpStatusCode.BadRequest;
        var settings = Settings(grant: OAuthGrantType.PasswordCredentials);

        await cache.GetTokenAsync(http, Key, settings);
        clock.Advance(TimeSpan.FromHours(1));
        var renewed = await cache.GetTokenAsync(http, Key, settings);

        Assert.True(renewed.Succeeded, renewed.Message);
        Assert.Equal(["password", "refresh_token", "password"], endpoint.Requests.Select(r => r["grant_type"]));
    }

    [Fact]
    public async Task Invalidate_drops_the_token_so_the_next_caller_gets_a_fresh_one()
    {
        var (cache, _, endpoint, http) = Create();
        var first = (await cache.GetTokenAsync(http, Key, Settings())).Token!;

        cache.Invalidate(Key, first.AccessToken);
        var second = (await cache.GetTokenAsync(http, Key, Settings())).Token!;

        Assert.Equal("token-2", second.AccessToken);

        // A caller still holding the first token cannot drop the fresh one.
        cache.Invalidate(Key, first.AccessToken);
        Assert.Equal("token-2", (await cache.GetTokenAsync(http, Key, Settings())).Token!.AccessToken);

        cache.Invalidate(Key);
        Assert.Equal("token-3", (await cache.GetTokenAsync(http, Key, Settings())).Token!.AccessToken);
        Assert.Equal(3, endpoint.Count);
    }

    [Fact]
    public async Task Concurrent_callers_share_one_request()
    {
        var (cache, _, endpoint, http) = Create();
        endpoint.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // Each caller has joined a request (or started one) by the time its call returns; all of them return while the
        // first request is held at the endpoint, so none can be answered from the cache.
        var callers = new ConcurrentBag<Task<OAuthTokenResult>>();
        await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(() => callers.Add(cache.GetTokenAsync(http, Key, Settings())))));
        await endpoint.FirstRequest;
        endpoint.Gate.SetResult();
        var results = await Task.WhenAll(callers); // a second request would have been counted before its callers got an answer

        Assert.Equal(1, endpoint.Count);
        Assert.All(results, r => Assert.Equal("token-1", r.Token!.AccessToken));
    }

    [Fact]
    public async Task A_cancelled_caller_does_not_cancel_the_shared_request()
    {
        var (cache, _, endpoint, http) = Create();
        endpoint.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var cancel = new CancellationTokenSource();

        var impatient = cache.GetTokenAsync(http, Key, Settings(), cancel.Token);
        var patient = cache.GetTokenAsync(http, Key, Settings());
        await endpoint.FirstRequest;
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => impatient);
        endpoint.Gate.SetResult();
        Assert.Equal("token-1", (await patient).Token!.AccessToken);
        Assert.Equal(1, endpoint.Count);
    }

    /// <summary>An endpoint whose request ignores cancellation, as a stuck connection might.</summary>
    private sealed class StuckEndpoint : HttpMessageHandler
    {
        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            await Release.Task;
            return new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
        }
    }

    [Fact]
    public async Task Callers_waiting_for_one_stuck_request_each_give_up_at_the_token_deadline()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero));
        var cache = new OAuthTokenCache(clock);
        var stuck = new StuckEndpoint();
        using var http = new HttpClient(stuck);

        var first = cache.GetTokenAsync(http, Key, Settings());
        var second = cache.GetTokenAsync(http, Key, Settings());
        clock.Advance(OAuthTokenLimits.Default.Timeout);
        var results = await Task.WhenAll(first, second).WaitAsync(TimeSpan.FromSeconds(30)); // a guard, not the assertion

        Assert.All(results, r => Assert.Equal("The token endpoint could not be reached: no token within 10 s.", r.Message));
        stuck.Release.SetResult();
    }

    [Fact]
    public async Task Keys_are_separate_and_a_new_version_forgets_the_old_token()
    {
        var (cache, _, endpoint, http) = Create();

        await cache.GetTokenAsync(http, new OAuthTokenKey(1, 1), Settings());
        await cache.GetTokenAsync(http, new OAuthTokenKey(2, 1), Settings());
        Assert.Equal(2, endpoint.Count);

        // The credential was edited: its new version gets its own token…
        Assert.Equal("token-3", (await cache.GetTokenAsync(http, new OAuthTokenKey(1, 2), Settings())).Token!.AccessToken);
        // …and Remove forgets a deleted credential.
        cache.Remove(2);
        Assert.Equal("token-4", (await cache.GetTokenAsync(http, new OAuthTokenKey(2, 1), Settings())).Token!.AccessToken);
    }

    [Fact]
    public async Task A_failure_is_shared_by_the_waiting_callers_but_not_cached()
    {
        var (cache, _, endpoint, http) = Create();

        var failed = await cache.GetTokenAsync(http, Key, Settings() with { Secret = "" });
        Assert.False(failed.Succeeded);

        Assert.True((await cache.GetTokenAsync(http, Key, Settings())).Succeeded);
        Assert.Equal(1, endpoint.Count);
    }

    [Fact]
    public void The_cache_is_a_singleton_the_container_can_build_from_the_apps_clock()
    {
        using var services = new ServiceCollection().AddSingleton(TimeProvider.System).AddSingleton<OAuthTokenCache>().BuildServiceProvider();

        Assert.Same(services.GetRequiredService<OAuthTokenCache>(), services.GetRequiredService<OAuthTokenCache>());
    }
}
