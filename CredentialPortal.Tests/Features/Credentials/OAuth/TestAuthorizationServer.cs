using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace CredentialPortal.Tests.Features.Credentials.OAuth;

/// <summary>
/// A real OAuth 2.0 authorization server on a loopback port, written for the tests from RFC 6749 and RFC 7523 and
/// checking every request as a strict server would: POST with a form body, no repeated parameter, exactly one client
/// authentication method, the secret compared after form-urlencoded decoding of the Basic credentials, the JWT
/// assertion's signature (by the registered JWK, matched by kid), algorithm, iss, sub, aud, exp, its lifetime and jti
/// replay. /token serves every grant; /refresh serves only refresh_token grants; /resource is a protected resource
/// that accepts only live access tokens. Rejections are recorded with their reason so that tests can tell them apart.
/// </summary>
public sealed class TestAuthorizationServer : IAsyncDisposable
{
    public const string JwtBearerAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    /// <summary>A registered client: confidential by secret, confidential by key (JWK as the portal shows it), or public.</summary>
    public sealed record RegisteredClient(string ClientId, string? Secret = null, string? PublicJwk = null, string[]? AllowedScopes = null);

    /// <summary>One request to the token endpoint as the server understood it.</summary>
    public sealed record TokenRequest(
        string Path,
        string? GrantType,
        string? ClientAuthentication,
        IReadOnlyDictionary<string, string> Form,
        string? AuthorizationHeader,
        string? Rejection);

    private readonly WebApplication app;
    private readonly ConcurrentDictionary<string, RegisteredClient> clients = new();
    private readonly ConcurrentDictionary<string, string> users = new();
    private readonly ConcurrentDictionary<string, string> accessTokens = new(); // token → client id
    private readonly ConcurrentDictionary<string, string> refreshTokens = new(); // token → client id
    private readonly ConcurrentDictionary<string, DateTimeOffset> usedJti = new();

    private TestAuthorizationServer(WebApplication app) => this.app = app;

    public Uri BaseAddress { get; private set; } = default!;
    public string TokenUrl => new Uri(BaseAddress, "token").AbsoluteUri;
    public string RefreshUrl => new Uri(BaseAddress, "refresh").AbsoluteUri;
    public string ResourceUrl => new Uri(BaseAddress, "resource").AbsoluteUri;

    public ConcurrentQueue<TokenRequest> Requests { get; } = new();

    /// <summary>expires_in of the access tokens it issues; null leaves expires_in out.</summary>
    public int? AccessTokenLifetimeSeconds { get; set; } = 3600;

    /// <summary>How long the token endpoints take before they answer (a slow identity provider).</summary>
    public TimeSpan AnswerDelay { get; set; }

    /// <summary>The JWT assertion's longest accepted lifetime (exp − iat), as the product specifies it.</summary>
    public TimeSpan MaxAssertionLifetime { get; set; } = TimeSpan.FromMinutes(5);

    public static async Task<TestAuthorizationServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new TestAuthorizationServer(app);
        app.MapPost("/token", context => server.HandleTokenAsync(context, refreshOnly: false));
        app.MapPost("/refresh", context => server.HandleTokenAsync(context, refreshOnly: true));
        app.MapMethods("/resource", ["GET", "POST"], server.HandleResource);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        server.BaseAddress = new Uri(address.TrimEnd('/') + "/");
        return server;
    }

    public void Register(RegisteredClient client) => clients[client.ClientId] = client;

    public void AddUser(string username, string password) => users[username] = password;

    /// <summary>Makes every access token issued so far invalid at /resource (refresh tokens stay valid).</summary>
    public void RevokeAccessTokens() => accessTokens.Clear();

    public int IssuedAccessTokens => Requests.Count(r => r.Rejection is null);

    private async Task HandleTokenAsync(HttpContext context, bool refreshOnly)
    {
        if (AnswerDelay > TimeSpan.Zero)
        {
            await Task.Delay(AnswerDelay, context.RequestAborted);
        }
        var request = context.Request;
        var authorization = request.Headers.Authorization.ToString();
        var form = new Dictionary<string, string>(StringComparer.Ordinal);
        string? grantType = null;
        string? method = null;

        async Task Reject(int status, string error, string reason, bool basicChallenge = false)
        {
            Requests.Enqueue(new TokenRequest(request.Path, grantType, method, form, authorization.Length == 0 ? null : authorization, reason));
            if (basicChallenge)
            {
                // RFC 6749 §5.2: a 401 after Basic authentication carries the scheme the client used.
                context.Response.Headers.WWWAuthenticate = "Basic realm=\"test\"";
            }
            await WriteJsonAsync(context, status, new Dictionary<string, object> { ["error"] = error, ["error_description"] = reason });
        }

        // RFC 6749 §3.2: POST (routing), application/x-www-form-urlencoded, UTF-8.
        if (!request.HasFormContentType || request.ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) != true)
        {
            await Reject(400, "invalid_request", "the body must be application/x-www-form-urlencoded");
            return;
        }
        var body = await request.ReadFormAsync();
        foreach (var (name, values) in body)
        {
            if (values.Count != 1)
            {
                // §3.1: parameters MUST NOT be included more than once.
                await Reject(400, "invalid_request", $"parameter {name} is repeated");
                return;
            }
            form[name] = values[0]!;
        }
        grantType = form.GetValueOrDefault("grant_type");

        // Client authentication: exactly one method (§2.3).
        RegisteredClient? client;
        var usesBasic = authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase);
        var usesAssertion = form.ContainsKey("client_assertion") || form.ContainsKey("client_assertion_type");
        var usesBodySecret = form.ContainsKey("client_secret");
        if ((usesBasic ? 1 : 0) + (usesAssertion ? 1 : 0) + (usesBodySecret ? 1 : 0) > 1)
        {
            await Reject(400, "invalid_request", "more than one client authentication method");
            return;
        }

        if (usesBasic)
        {
            method = "basic";
            if (!TryDecodeBasic(authorization["Basic ".Length..], out var id, out var secret))
            {
                await Reject(401, "invalid_client", "malformed Basic credentials", basicChallenge: true);
                return;
            }
            if (form.TryGetValue("client_id", out var bodyId) && bodyId != id)
            {
                await Reject(400, "invalid_request", "client_id differs from the authenticated client");
                return;
            }
            if (!clients.TryGetValue(id, out client) || client.Secret is null || !FixedTimeEquals(client.Secret, secret))
            {
                await Reject(401, "invalid_client", "unknown client or wrong secret", basicChallenge: true);
                return;
            }
        }
        else if (usesAssertion)
        {
            method = "jwt";
            var (assertionClient, reason) = await ValidateAssertionAsync(form, new Uri(BaseAddress, request.Path.Value!.TrimStart('/')).AbsoluteUri);
            if (assertionClient is null)
            {
                await Reject(401, "invalid_client", reason!);
                return;
            }
            client = assertionClient;
        }
        else if (usesBodySecret)
        {
            method = "body";
            if (!form.TryGetValue("client_id", out var id) || !clients.TryGetValue(id, out client) || client.Secret is null
                || !FixedTimeEquals(client.Secret, form["client_secret"]))
            {
                await Reject(401, "invalid_client", "unknown client or wrong secret");
                return;
            }
        }
        else
        {
            method = "none";
            // A public client only identifies itself (§3.2.1); confidential clients must authenticate.
            if (!form.TryGetValue("client_id", out var id) || !clients.TryGetValue(id, out client) || client.Secret is not null || client.PublicJwk is not null)
            {
                await Reject(401, "invalid_client", "client authentication required");
                return;
            }
        }

        if (refreshOnly && grantType != "refresh_token")
        {
            await Reject(400, "unsupported_grant_type", "this endpoint only refreshes tokens");
            return;
        }

        string scope;
        var issueRefreshToken = false;
        switch (grantType)
        {
            case "client_credentials":
                // §4.4: confidential clients only.
                if (method == "none")
                {
                    await Reject(400, "unauthorized_client", "public clients cannot use client_credentials");
                    return;
                }
                if (CheckScope(client, form, out scope) is { } scopeError)
                {
                    await Reject(400, "invalid_scope", scopeError);
                    return;
                }
                break;
            case "password":
                if (!form.TryGetValue("username", out var username) || !form.TryGetValue("password", out var password))
                {
                    await Reject(400, "invalid_request", "username and password are required");
                    return;
                }
                if (!users.TryGetValue(username, out var expected) || !FixedTimeEquals(expected, password))
                {
                    await Reject(400, "invalid_grant", "wrong username or password");
                    return;
                }
                if (CheckScope(client, form, out scope) is { } passwordScopeError)
                {
                    await Reject(400, "invalid_scope", passwordScopeError);
                    return;
                }
                issueRefreshToken = true;
                break;
            case "refresh_token":
                // §6: the refresh token must have been issued to this client; it is rotated (the old one is spent).
                if (!form.TryGetValue("refresh_token", out var refreshToken)
                    || !refreshTokens.TryRemove(refreshToken, out var owner))
                {
                    await Reject(400, "invalid_grant", "unknown or spent refresh token");
                    return;
                }
                if (owner != client.ClientId)
                {
                    await Reject(400, "invalid_grant", "refresh token of another client");
                    return;
                }
                scope = form.GetValueOrDefault("scope") ?? "";
                issueRefreshToken = true;
                break;
            case null:
                await Reject(400, "invalid_request", "grant_type is required");
                return;
            default:
                await Reject(400, "unsupported_grant_type", $"grant_type {grantType} is not supported");
                return;
        }

        Requests.Enqueue(new TokenRequest(request.Path, grantType, method, form, authorization.Length == 0 ? null : authorization, null));
        var accessToken = "at_" + Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(24));
        accessTokens[accessToken] = client.ClientId;
        var response = new Dictionary<string, object> { ["access_token"] = accessToken, ["token_type"] = "Bearer" };
        if (AccessTokenLifetimeSeconds is { } lifetime)
        {
            response["expires_in"] = lifetime;
        }
        if (scope.Length > 0)
        {
            response["scope"] = scope;
        }
        if (issueRefreshToken)
        {
            var refresh = "rt_" + Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(24));
            refreshTokens[refresh] = client.ClientId;
            response["refresh_token"] = refresh;
        }
        await WriteJsonAsync(context, 200, response);
    }

    /// <summary>RFC 7523 §3 and §2.2, plus the product's 5-minute lifetime.</summary>
    private async Task<(RegisteredClient? Client, string? Reason)> ValidateAssertionAsync(Dictionary<string, string> form, string endpointUrl)
    {
        if (form.GetValueOrDefault("client_assertion_type") != JwtBearerAssertionType)
        {
            return (null, "client_assertion_type must be " + JwtBearerAssertionType);
        }
        if (!form.TryGetValue("client_assertion", out var assertion))
        {
            return (null, "client_assertion is missing");
        }

        var handler = new JsonWebTokenHandler();
        if (!handler.CanReadToken(assertion))
        {
            return (null, "client_assertion is not a JWT");
        }
        var unverified = handler.ReadJsonWebToken(assertion);
        // The client is named by client_id when present (it must then match), else by the assertion's subject.
        var clientId = form.GetValueOrDefault("client_id") ?? unverified.Subject;
        if (clientId is null || !clients.TryGetValue(clientId, out var client) || client.PublicJwk is null)
        {
            return (null, "unknown client or no registered key");
        }

        var jwk = new JsonWebKey(client.PublicJwk);
        var result = await handler.ValidateTokenAsync(assertion, new TokenValidationParameters
        {
            IssuerSigningKey = jwk,
            TryAllIssuerSigningKeys = false, // the kid header must name the registered key
            ValidAlgorithms = [jwk.Alg],
            ValidIssuer = client.ClientId,
            ValidAudience = endpointUrl,
            RequireSignedTokens = true,
            RequireExpirationTime = true,
            ValidateLifetime = true,
            ClockSkew = TimeSpan.FromSeconds(30),
        });
        if (!result.IsValid)
        {
            return (null, $"assertion rejected: {result.Exception?.GetType().Name}");
        }

        var token = (JsonWebToken)result.SecurityToken;
        if (token.Subject != client.ClientId)
        {
            return (null, "sub must be the client id");
        }
        if (!token.TryGetPayloadValue<long>("iat", out var iat) || !token.TryGetPayloadValue<long>("exp", out var exp))
        {
            return (null, "iat and exp are required");
        }
        if (TimeSpan.FromSeconds(exp - iat) > MaxAssertionLifetime)
        {
            return (null, "assertion lifetime too long");
        }
        if (string.IsNullOrEmpty(token.Id))
        {
            return (null, "jti is required");
        }
        // RFC 7523 §3, item 7: a jti is accepted once while the assertion is valid.
        if (!usedJti.TryAdd(client.ClientId + " " + token.Id, DateTimeOffset.FromUnixTimeSeconds(exp)))
        {
            return (null, "jti replayed");
        }
        return (client, null);
    }

    private static string? CheckScope(RegisteredClient client, Dictionary<string, string> form, out string scope)
    {
        scope = form.GetValueOrDefault("scope") ?? "";
        if (client.AllowedScopes is null || scope.Length == 0)
        {
            return null;
        }
        var refused = scope.Split(' ').Where(s => !client.AllowedScopes.Contains(s)).ToArray();
        return refused.Length == 0 ? null : $"scope not allowed: {string.Join(' ', refused)}";
    }

    /// <summary>RFC 6749 §2.3.1: Base64 of form-urlencoded id ":" form-urlencoded secret.</summary>
    private static bool TryDecodeBasic(string encoded, out string clientId, out string secret)
    {
        clientId = secret = "";
        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(encoded.Trim()));
            var colon = text.IndexOf(':');
            if (colon < 0)
            {
                return false;
            }
            clientId = WebUtility.UrlDecode(text[..colon]);
            secret = WebUtility.UrlDecode(text[(colon + 1)..]);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static bool FixedTimeEquals(string expected, string actual) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(actual));

    private async Task HandleResource(HttpContext context)
    {
        var authorization = context.Request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.Ordinal) && accessTokens.ContainsKey(authorization["Bearer ".Length..]))
        {
            context.Response.StatusCode = 200;
            return;
        }
        // RFC 6750 §3.
        context.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\"";
        context.Response.StatusCode = 401;
        await Task.CompletedTask;
    }

    private static async Task WriteJsonAsync(HttpContext context, int status, Dictionary<string, object> body)
    {
        context.Response.StatusCode = status;
        // RFC 6749 §5.1: no caching of token responses.
        context.Response.Headers.CacheControl = new StringValues("no-store");
        context.Response.Headers.Pragma = "no-cache";
        context.Response.ContentType = "application/json;charset=UTF-8";
        await context.Response.WriteAsync(System.Text.Json.JsonSerializer.Serialize(body));
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
