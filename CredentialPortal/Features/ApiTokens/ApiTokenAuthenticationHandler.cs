using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace CredentialPortal.Features.ApiTokens;

/// <summary>
/// <c>Authorization: Bearer &lt;token&gt;</c> for the REST API. A missing token is no result (the challenge answers 401);
/// a presented one that is unknown, expired or revoked fails, and the challenge says <c>error="invalid_token"</c>
/// (RFC 6750). Both answer with a problem details body.
/// </summary>
public sealed class ApiTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiTokenService tokens,
    IProblemDetailsService problems)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    private const string BearerPrefix = "Bearer ";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (header.Length == 0)
        {
            return AuthenticateResult.NoResult();
        }
        if (!header.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase) || header.Length == BearerPrefix.Length)
        {
            return AuthenticateResult.Fail("The Authorization header must be \"Bearer <token>\".");
        }

        var check = await tokens.CheckAsync(header[BearerPrefix.Length..].Trim(), Context.RequestAborted);
        return check.Status switch
        {
            ApiTokenCheckStatus.Valid => AuthenticateResult.Success(new AuthenticationTicket(PrincipalOf(check), Scheme.Name)),
            ApiTokenCheckStatus.Expired => AuthenticateResult.Fail("The token has expired."),
            ApiTokenCheckStatus.Revoked => AuthenticateResult.Fail("The token has been revoked."),
            _ => AuthenticateResult.Fail("The token is not valid."),
        };
    }

    private ClaimsPrincipal PrincipalOf(ApiTokenCheck check) => new(new ClaimsIdentity(
        [
            new Claim(ClaimTypes.Name, check.Name),
            new Claim(ApiTokenDefaults.TokenIdClaim, check.TokenId.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new Claim(ApiTokenDefaults.ScopeClaim, check.ScopeEntityId.ToString()),
            new Claim(ClaimTypes.Role, check.Role),
        ],
        Scheme.Name));

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        var failure = result.Failure?.Message;
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = failure is null
            ? "Bearer"
            : $"Bearer error=\"invalid_token\", error_description=\"{failure.Replace("\"", "'")}\"";
        await WriteProblemAsync(StatusCodes.Status401Unauthorized,
            failure ?? "An API token is required: send \"Authorization: Bearer <token>\". Tokens are made on Settings › API Tokens.");
    }

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        return WriteProblemAsync(StatusCodes.Status403Forbidden, "The token does not allow this request.");
    }

    private async Task WriteProblemAsync(int status, string detail) =>
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = new ProblemDetails { Status = status, Detail = detail },
        });
}
