using System.Globalization;
using System.Net;
using System.Text;
using CredentialPortal.Features.Delivery;
using Duende.IdentityModel.Client;
using Polly.Timeout;
using DuendeClientAssertion = Duende.IdentityModel.Client.ClientAssertion;

namespace CredentialPortal.Features.Credentials.OAuth;

/// <summary>An access token from a token endpoint. Never logged: its text form names no token.</summary>
/// <param name="IssuedAt">When the request was sent (so that expiry errs early).</param>
/// <param name="ExpiresAt">IssuedAt + expires_in; null when the endpoint did not say (expires_in is only RECOMMENDED).</param>
/// <param name="RefreshTokenExpiresAt">From the non-standard refresh_expires_in some servers send; null when unknown.</param>
public sealed record OAuthToken(
    string AccessToken,
    string TokenType,
    DateTimeOffset IssuedAt,
    DateTimeOffset? ExpiresAt,
    string? RefreshToken,
    DateTimeOffset? RefreshTokenExpiresAt = null,
    string? Scope = null)
{
    /// <summary>The webhook's Authorization header value: <c>Bearer &lt;access token&gt;</c> (RFC 6750 §2.1).</summary>
    public string AuthorizationHeaderValue => "Bearer " + AccessToken;

    public override string ToString() =>
        $"{TokenType} token issued {IssuedAt:u}, expires {(ExpiresAt is { } at ? at.ToString("u", CultureInfo.InvariantCulture) : "unknown")}"
        + (RefreshToken is null ? "" : ", with a refresh token");
}

/// <summary>What went wrong when no token came back.</summary>
public enum OAuthTokenFailure
{
    None = 0,

    /// <summary>The settings cannot make a request (missing field, unreadable private key).</summary>
    Configuration,

    /// <summary>The endpoint answered with an OAuth error (RFC 6749 §5.2): see <see cref="OAuthTokenResult.Error"/>.</summary>
    Endpoint,

    /// <summary>An HTTP failure without an OAuth error body (404, 500, a redirect).</summary>
    Http,

    /// <summary>No answer: connection refused, a name that does not resolve, timeout.</summary>
    Network,

    /// <summary>A 2xx that is not a usable token response.</summary>
    InvalidResponse,

    /// <summary>Not asked: the endpoint is where the portal must not send (SSRF rules), until its URL or the rules change.</summary>
    Refused,
}

/// <summary>
/// The outcome of one token request: a token, or a failure whose <see cref="Message"/> is safe to show and log (it
/// never contains the secret, password, private key or assertion).
/// </summary>
public sealed record OAuthTokenResult
{
    private OAuthTokenResult(OAuthToken? token, OAuthTokenFailure failure, string message, string? error, string? errorDescription, int? statusCode)
    {
        Token = token;
        Failure = failure;
        Message = message;
        Error = error;
        ErrorDescription = errorDescription;
        StatusCode = statusCode;
    }

    public OAuthToken? Token { get; }
    public bool Succeeded => Token is not null;
    public OAuthTokenFailure Failure { get; }

    /// <summary>One sentence for the form or the delivery log.</summary>
    public string Message { get; }

    /// <summary>The endpoint's OAuth error code (invalid_client, invalid_grant, …), when it sent one.</summary>
    public string? Error { get; }

    public string? ErrorDescription { get; }

    /// <summary>The token endpoint's HTTP status, when it answered.</summary>
    public int? StatusCode { get; }

    public static OAuthTokenResult Success(OAuthToken token, int statusCode = 200) =>
        new(token, OAuthTokenFailure.None, "Token received.", null, null, statusCode);

    public static OAuthTokenResult Failed(OAuthTokenFailure failure, string message, string? error = null, string? errorDescription = null,
        int? statusCode = null) =>
        new(null, failure, message, error, errorDescription, statusCode);
}

/// <summary>
/// Bounds on one token request, as on a webhook receiver: a deadline for the whole exchange (headers and body) and a
/// size limit on the answer.
/// </summary>
public sealed record OAuthTokenLimits(TimeSpan Timeout, int MaxResponseBytes)
{
    public static readonly OAuthTokenLimits Default = new(TimeSpan.FromSeconds(10), 64 * 1024);
}

/// <summary>What the form's Test connection button shows.</summary>
public sealed record OAuthConnectionTest(bool Succeeded, DateTimeOffset? ExpiresAt, bool RefreshTokenIssued, string Message);

/// <summary>
/// Requests access tokens per RFC 6749 and RFC 7523 through the caller's <see cref="HttpClient"/>. The app passes the
/// "webhook" client so that the token endpoint gets the same SSRF checks, timeout and no-redirect policy as a webhook.
/// Every request is bounded by <see cref="OAuthTokenLimits"/> whatever the client, and whatever the endpoint answers
/// is scrubbed of the credentials sent before it reaches a message. Cheap to create: it holds no state but the client,
/// the clock and the limits.
/// </summary>
public sealed class OAuthTokenClient(HttpClient http, TimeProvider? time = null, OAuthTokenLimits? limits = null)
{
    private const int MaxDescriptionLength = 300;
    private readonly TimeProvider clock = time ?? TimeProvider.System;
    private readonly OAuthTokenLimits bounds = limits ?? OAuthTokenLimits.Default;

    /// <summary>
    /// A token by the settings' grant: client_credentials with the secret (Basic header or body) or the JWT assertion,
    /// or password. Never throws for endpoint, network or configuration problems, only on cancellation.
    /// </summary>
    public async Task<OAuthTokenResult> RequestTokenAsync(OAuthSettings settings, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (ConfigurationProblem(settings) is { } problem)
        {
            return problem;
        }

        return await ExchangeAsync(settings, previousRefreshToken: null, async (invoker, token) =>
        {
            switch (settings.GrantType)
            {
                case OAuthGrantType.PasswordCredentials:
                {
                    using var request = new PasswordTokenRequest
                    {
                        Address = settings.TokenUrl,
                        UserName = settings.Username!,
                        Password = settings.Password ?? "",
                        Scope = settings.ScopeParameter,
                    };
                    Authenticate(request, settings, settings.TokenUrl);
                    return await invoker.RequestPasswordTokenAsync(request, token);
                }
                default:
                {
                    using var request = new ClientCredentialsTokenRequest
                    {
                        Address = settings.TokenUrl,
                        Scope = settings.ScopeParameter,
                    };
                    Authenticate(request, settings, settings.TokenUrl);
                    return await invoker.RequestClientCredentialsTokenAsync(request, token);
                }
            }
        }, cancellationToken);
    }

    /// <summary>
    /// A refresh_token grant (RFC 6749 §6) to the refresh token URL, or the token URL when none is set, with the
    /// client authenticated as for the grant. Scope is left out: the server then keeps the originally granted scope.
    /// When the answer has no new refresh token, the given one stays valid and is kept on the result.
    /// </summary>
    public async Task<OAuthTokenResult> RefreshTokenAsync(OAuthSettings settings, string refreshToken, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentException.ThrowIfNullOrEmpty(refreshToken);
        if (ConfigurationProblem(settings) is { } problem)
        {
            return problem;
        }

        var url = settings.EffectiveRefreshTokenUrl;
        return await ExchangeAsync(settings, refreshToken, async (invoker, token) =>
        {
            using var request = new RefreshTokenRequest { Address = url, RefreshToken = refreshToken };
            Authenticate(request, settings, url);
            return await invoker.RequestRefreshTokenAsync(request, token);
        }, cancellationToken);
    }

    /// <summary>
    /// One request through a <see cref="BoundedTokenHandler"/> under the deadline; the result's texts scrubbed of every
    /// form of the credentials that went out.
    /// </summary>
    private async Task<OAuthTokenResult> ExchangeAsync(OAuthSettings settings, string? previousRefreshToken,
        Func<HttpMessageInvoker, CancellationToken, Task<TokenResponse>> send, CancellationToken cancellationToken)
    {
        var issuedAt = clock.GetUtcNow();
        var handler = new BoundedTokenHandler(http, bounds.MaxResponseBytes);
        using var invoker = new HttpMessageInvoker(handler);
        // On the portal's clock, so that tests move time instead of waiting for it.
        using var deadline = new CancellationTokenSource(bounds.Timeout, clock);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        OAuthTokenResult result;
        try
        {
            using var response = await send(invoker, linked.Token);
            result = response.Exception switch
            {
                OperationCanceledException when deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested => TimedOut(),
                TokenResponseTooLargeException => TooLarge(),
                _ => Interpret(response, issuedAt, previousRefreshToken, Scrubber(settings, previousRefreshToken, handler)),
            };
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            result = TimedOut(); // the deadline (or HttpClient.Timeout), not the caller
        }
        catch (TokenResponseTooLargeException)
        {
            result = TooLarge();
        }
        catch (UnreadableKeyException)
        {
            return UnreadableKey();
        }
        return Scrubbed(result, Scrubber(settings, previousRefreshToken, handler));
    }

    /// <summary>The form's Test connection: a fresh token request (no cache), reported as success with expiry or the endpoint's error.</summary>
    public async Task<OAuthConnectionTest> TestConnectionAsync(OAuthSettings settings, CancellationToken cancellationToken = default)
    {
        var result = await RequestTokenAsync(settings, cancellationToken);
        if (result.Token is not { } token)
        {
            return new OAuthConnectionTest(false, null, false, result.Message);
        }
        var expiry = token.ExpiresAt is { } at
            ? $"it expires at {at.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} UTC"
            : "the endpoint did not say when it expires";
        var refresh = token.RefreshToken is null ? "" : " A refresh token was issued too.";
        return new OAuthConnectionTest(true, token.ExpiresAt, token.RefreshToken is not null, $"Connected: token received, {expiry}.{refresh}");
    }

    private static OAuthTokenResult? ConfigurationProblem(OAuthSettings settings)
    {
        var errors = settings.Validate(requireSecrets: true);
        return errors.Count == 0
            ? null
            : OAuthTokenResult.Failed(OAuthTokenFailure.Configuration, errors.First().Value[0]);
    }

    /// <summary>
    /// Client authentication (RFC 6749 §2.3): exactly one method per request. JWT: client_assertion_type,
    /// client_assertion and client_id in the body (RFC 7523 §2.2), the assertion's aud being the URL it goes to.
    /// Secret: HTTP Basic over the form-urlencoded id and secret (§2.3.1; Duende's Rfc6749 style), or both in the
    /// body. A password grant without a secret is a public client: client_id in the body only (§3.2.1).
    /// </summary>
    private void Authenticate(ProtocolRequest request, OAuthSettings settings, string url)
    {
        request.ClientId = settings.ClientId;
        if (settings.GrantType == OAuthGrantType.ClientCredentialsWithJwt)
        {
            request.ClientCredentialStyle = ClientCredentialStyle.PostBody;
            request.ClientSecret = null;
            string assertion;
            try
            {
                assertion = ClientAssertion.Create(settings.ClientId, url, settings.PrivateKeyPem!, settings.SigningAlgorithm, clock);
            }
            catch (ArgumentException)
            {
                throw new UnreadableKeyException(); // its message would say nothing more useful, and names no key material
            }
            request.ClientAssertion = new DuendeClientAssertion { Type = ClientAssertion.AssertionType, Value = assertion };
        }
        else if (string.IsNullOrEmpty(settings.Secret))
        {
            request.ClientCredentialStyle = ClientCredentialStyle.PostBody;
            request.ClientSecret = null;
        }
        else
        {
            request.ClientSecret = settings.Secret;
            request.ClientCredentialStyle = settings.ClientAuthentication == OAuthClientAuthentication.CredentialsInBody
                ? ClientCredentialStyle.PostBody
                : ClientCredentialStyle.AuthorizationHeader;
            request.AuthorizationHeaderStyle = BasicAuthenticationHeaderStyle.Rfc6749;
        }
    }

    /// <summary>
    /// The result for the endpoint's answer. Every text from the endpoint goes through <paramref name="scrub"/> before it
    /// is truncated, so that a cut never leaves part of a secret behind.
    /// </summary>
    private static OAuthTokenResult Interpret(TokenResponse response, DateTimeOffset issuedAt, string? previousRefreshToken, Func<string, string> scrub)
    {
        var status = response.HttpResponse is null ? (int?)null : (int)response.HttpStatusCode;

        if (response.HttpResponse is null)
        {
            return OAuthTokenResult.Failed(
                response.Exception is DestinationRefusedException or HttpRequestException { InnerException: DestinationRefusedException }
                    ? OAuthTokenFailure.Refused : OAuthTokenFailure.Network,
                "The token endpoint could not be reached: " + scrub(NetworkMessage(response.Exception)));
        }

        // An OAuth error body (RFC 6749 §5.2) comes with 400, or 401 for invalid_client; some servers use others.
        if (response.TryGet("error") is { Length: > 0 } error)
        {
            var description = response.ErrorDescription is { Length: > 0 } d ? Truncate(scrub(d)) : null;
            var code = Truncate(scrub(error));
            return OAuthTokenResult.Failed(OAuthTokenFailure.Endpoint,
                $"The token endpoint refused the request (HTTP {status}): {code}" + (description is null ? "." : $" — {description}"),
                code, description, status);
        }

        if (status is >= 300 and < 400)
        {
            return OAuthTokenResult.Failed(OAuthTokenFailure.Http, $"The token endpoint answered HTTP {status}: redirects are not followed.",
                statusCode: status);
        }
        if (status is < 200 or >= 300)
        {
            return OAuthTokenResult.Failed(OAuthTokenFailure.Http,
                $"The token endpoint answered HTTP {status} {Truncate(scrub(response.HttpErrorReason ?? ""))}".TrimEnd() + ".", statusCode: status);
        }

        if (response.ErrorType == ResponseErrorType.Exception || response.Json is null)
        {
            return OAuthTokenResult.Failed(OAuthTokenFailure.InvalidResponse,
                $"The token endpoint answered HTTP {status} without a JSON token response.", statusCode: status);
        }

        var accessToken = response.AccessToken;
        if (string.IsNullOrEmpty(accessToken))
        {
            return OAuthTokenResult.Failed(OAuthTokenFailure.InvalidResponse, "The token endpoint's answer has no access_token.", statusCode: status);
        }
        if (!IsVisibleAscii(accessToken))
        {
            return OAuthTokenResult.Failed(OAuthTokenFailure.InvalidResponse,
                "The token endpoint's access_token contains characters that cannot be sent in a header.", statusCode: status);
        }

        // token_type is case-insensitive (RFC 6749 §5.1), and a client must not use a type it does not understand (§7.1).
        // Servers that leave it out are taken to mean Bearer.
        var tokenType = response.TokenType;
        if (tokenType is { Length: > 0 } && !tokenType.Equals("Bearer", StringComparison.OrdinalIgnoreCase))
        {
            return OAuthTokenResult.Failed(OAuthTokenFailure.InvalidResponse,
                $"The token endpoint issued a token of type '{Truncate(scrub(tokenType))}'; only Bearer tokens can be sent.", statusCode: status);
        }

        var refreshToken = response.RefreshToken is { Length: > 0 } issued ? issued : previousRefreshToken;
        var token = new OAuthToken(
            accessToken,
            "Bearer",
            issuedAt,
            Seconds(response.TryGet("expires_in")) is { } expiresIn ? issuedAt.Add(expiresIn) : null,
            refreshToken,
            Seconds(response.TryGet("refresh_expires_in")) is { } refreshExpiresIn && refreshExpiresIn > TimeSpan.Zero ? issuedAt.Add(refreshExpiresIn) : null,
            response.Scope);
        return OAuthTokenResult.Success(token, status ?? 200);
    }

    private static TimeSpan? Seconds(string? value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0 && seconds < TimeSpan.MaxValue.TotalSeconds
            ? TimeSpan.FromSeconds(Math.Floor(seconds))
            : null;

    private static string NetworkMessage(Exception? exception) => exception switch
    {
        null => "no response.",
        TimeoutRejectedException timeout => $"no response within {timeout.Timeout.TotalSeconds:0.#} s.",
        DestinationRefusedException refused => refused.Message,
        HttpRequestException { InnerException: DestinationRefusedException refused } => refused.Message,
        _ => exception.Message,
    };

    private static OAuthTokenResult UnreadableKey() =>
        OAuthTokenResult.Failed(OAuthTokenFailure.Configuration, "The private key could not be read; generate a new key pair.");

    private sealed class UnreadableKeyException : Exception;

    private OAuthTokenResult TimedOut() =>
        OAuthTokenResult.Failed(OAuthTokenFailure.Network,
            $"The token endpoint could not be reached: no complete answer within {bounds.Timeout.TotalSeconds:0.#} s.");

    private OAuthTokenResult TooLarge() =>
        OAuthTokenResult.Failed(OAuthTokenFailure.InvalidResponse,
            $"The token endpoint's answer is larger than {bounds.MaxResponseBytes / 1024.0:0.#} KB and was refused.");

    private static bool IsVisibleAscii(string value) => value.All(c => c is >= '!' and <= '~');

    private static string Truncate(string value) => value.Length <= MaxDescriptionLength ? value : value[..MaxDescriptionLength] + "…";

    /// <summary>
    /// Every form in which a secret may have gone out: the raw values, their form-urlencodings (two encoders differ on
    /// a few characters), Base64 of "id:secret" as Rfc6749 Basic sends it and as plain Basic would, and whatever the
    /// request actually carried (<see cref="BoundedTokenHandler.SentCredentials"/>).
    /// </summary>
    private static IEnumerable<string> Secrets(OAuthSettings settings, string? refreshToken, IEnumerable<string> sent)
    {
        foreach (var value in new[] { settings.Secret, settings.Password, refreshToken })
        {
            if (string.IsNullOrEmpty(value))
            {
                continue;
            }
            yield return value;
            yield return WebUtility.UrlEncode(value);
            yield return FormEncode(value);
            yield return Uri.EscapeDataString(value);
        }
        if (!string.IsNullOrEmpty(settings.Secret))
        {
            yield return Convert.ToBase64String(Encoding.UTF8.GetBytes($"{FormEncode(settings.ClientId)}:{FormEncode(settings.Secret)}"));
            yield return Convert.ToBase64String(Encoding.UTF8.GetBytes($"{WebUtility.UrlEncode(settings.ClientId)}:{WebUtility.UrlEncode(settings.Secret)}"));
            yield return Convert.ToBase64String(Encoding.UTF8.GetBytes($"{settings.ClientId}:{settings.Secret}"));
        }
        foreach (var value in sent)
        {
            yield return value;
        }
    }

    private static string FormEncode(string value) => Uri.EscapeDataString(value).Replace("%20", "+", StringComparison.Ordinal);

    /// <summary>Masks, in a text, every form of the credentials <see cref="Secrets"/> names for this request.</summary>
    private static Func<string, string> Scrubber(OAuthSettings settings, string? refreshToken, BoundedTokenHandler handler)
    {
        // Longest first, so that an encoded form is masked whole rather than around a shorter match inside it.
        var ordered = Secrets(settings, refreshToken, handler.SentCredentials)
            .Where(s => s.Length >= 4).Distinct(StringComparer.Ordinal).OrderByDescending(s => s.Length).ToList();
        return text =>
        {
            foreach (var secret in ordered)
            {
                // Percent-encodings may come back with either case of hex digits.
                text = text.Replace(secret, CredentialWireFormat.Mask,
                    secret.Contains('%', StringComparison.Ordinal) ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);
            }
            return text;
        };
    }

    /// <summary>Whatever the endpoint or the network says, a secret it echoes back, in any form that was sent, is never passed on.</summary>
    private static OAuthTokenResult Scrubbed(OAuthTokenResult result, Func<string, string> scrub) =>
        result.Succeeded
            ? result
            : OAuthTokenResult.Failed(result.Failure, scrub(result.Message), result.Error is null ? null : scrub(result.Error),
                result.ErrorDescription is null ? null : scrub(result.ErrorDescription), result.StatusCode);

    private sealed class TokenResponseTooLargeException : Exception;

    /// <summary>
    /// Sends a token request through the outbound client but reads the answer itself, under the caller's deadline:
    /// a declared length over the limit is refused before any of the body is read, and reading stops at the first
    /// byte past it, so that an endless or huge answer is never buffered. Notes the credentials the request carries.
    /// </summary>
    private sealed class BoundedTokenHandler(HttpClient inner, int maxBytes) : HttpMessageHandler
    {
        private static readonly string[] SecretParameters = ["client_secret", "password", "refresh_token", "client_assertion"];

        public List<string> SentCredentials { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            await NoteCredentialsAsync(request, cancellationToken);
            var response = await inner.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            try
            {
                if (response.Content.Headers.ContentLength > maxBytes)
                {
                    throw new TokenResponseTooLargeException();
                }
                var buffer = new MemoryStream();
                await using (var body = await response.Content.ReadAsStreamAsync(cancellationToken))
                {
                    var chunk = new byte[8192];
                    int read;
                    while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
                    {
                        if (buffer.Length + read > maxBytes)
                        {
                            throw new TokenResponseTooLargeException();
                        }
                        buffer.Write(chunk, 0, read);
                    }
                }
                var content = new ByteArrayContent(buffer.GetBuffer(), 0, (int)buffer.Length);
                foreach (var header in response.Content.Headers.NonValidated)
                {
                    if (!header.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
                    {
                        content.Headers.TryAddWithoutValidation(header.Key, header.Value);
                    }
                }
                response.Content.Dispose();
                response.Content = content;
                return response;
            }
            catch
            {
                response.Dispose(); // closes the connection rather than reading the rest
                throw;
            }
        }

        private async Task NoteCredentialsAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Headers.Authorization is { Parameter: { } parameter })
            {
                SentCredentials.Add(parameter);
            }
            if (request.Content is null)
            {
                return;
            }
            var form = await request.Content.ReadAsStringAsync(cancellationToken);
            foreach (var pair in form.Split('&'))
            {
                var equals = pair.IndexOf('=');
                if (equals > 0 && SecretParameters.Contains(WebUtility.UrlDecode(pair[..equals])))
                {
                    var encoded = pair[(equals + 1)..];
                    SentCredentials.Add(encoded);
                    SentCredentials.Add(WebUtility.UrlDecode(encoded));
                }
            }
        }
    }
}
