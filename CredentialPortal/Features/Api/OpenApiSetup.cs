using CredentialPortal.Features.ApiTokens;
using CredentialPortal.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace CredentialPortal.Features.Api;

/// <summary>
/// The API's OpenAPI document (<see cref="DocumentPath"/>) and its reference page (<see cref="ReferencePath"/>, Scalar,
/// served with its script from the package: no CDN, no fonts from outside).
/// <para>
/// Who may read them: a logged-in person (the page in the browser, which fetches the document with the login cookie) or
/// an API token (a script or client generator). Not anonymous: like every page of the portal, the API's shape is for
/// its users only. Neither holds a secret, so reading is all the cookie grants here; it still never authenticates
/// /api/v1 itself.
/// </para>
/// </summary>
public static class OpenApiSetup
{
    public const string DocumentName = "v1";
    public const string DocumentPath = "/openapi/v1.json";
    public const string ReferencePath = "/api-reference";

    /// <summary>The security scheme's name in the document.</summary>
    public const string BearerScheme = "Bearer";

    /// <summary>Reads a token when the request carries an Authorization header, else the login cookie.</summary>
    private const string ReaderScheme = "OpenApiReader";
    private const string ReaderPolicy = "OpenApiReader";

    public static IServiceCollection AddPortalOpenApi(this IServiceCollection services)
    {
        services.AddOpenApi(DocumentName, options =>
        {
            // The API only: the log-in and Identity endpoints are the browser's, not part of the API.
            options.ShouldInclude = description => description.RelativePath?.StartsWith("api/v1/", StringComparison.Ordinal) == true
                                                   || description.RelativePath == "api/v1";
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info = new OpenApiInfo
                {
                    Title = "Credential Portal API",
                    Version = "v1",
                    Description = "Webhook credentials, the configuration hierarchy and its credentials, firing alerts and their deliveries. JSON with snake_case names; " +
                                  "errors are problem details (application/problem+json). Authenticate with an API token from " +
                                  "Settings › API Tokens: Authorization: Bearer <token>. No response ever contains a secret.",
                };
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    Description = "An API token (Settings › API Tokens), scoped to the platform or one entity's subtree.",
                };
                document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, document)] = [] }];
                return Task.CompletedTask;
            });
            // What every route may answer besides its own responses: the token and rate-limit refusals.
            options.AddOperationTransformer((operation, _, _) =>
            {
                operation.Responses ??= [];
                operation.Responses.TryAdd("401", new OpenApiResponse { Description = "No token, or an unknown, expired or revoked one (WWW-Authenticate: Bearer)." });
                operation.Responses.TryAdd("403", new OpenApiResponse { Description = "The token's scope does not cover this entity." });
                operation.Responses.TryAdd("429", new OpenApiResponse { Description = "Too many requests with this token; retry after Retry-After seconds." });
                return Task.CompletedTask;
            });
        });

        services.AddAuthentication().AddPolicyScheme(ReaderScheme, "OpenAPI reader", scheme =>
            scheme.ForwardDefaultSelector = context =>
                context.Request.Headers.Authorization.Count > 0 ? ApiTokenDefaults.Scheme : IdentityConstants.ApplicationScheme);
        services.AddAuthorizationBuilder().AddPolicy(ReaderPolicy, policy =>
            policy.AddAuthenticationSchemes(ReaderScheme).RequireAuthenticatedUser());
        return services;
    }

    public static IEndpointRouteBuilder MapPortalOpenApi(this IEndpointRouteBuilder app)
    {
        app.MapOpenApi(DocumentPath).RequireAuthorization(ReaderPolicy);
        app.MapScalarApiReference(ReferencePath, (options, context) =>
            {
                options
                    .WithTitle("Credential Portal API")
                    .WithOpenApiRoutePattern(DocumentPath)
                    // Offline and inside the portal: no fonts from Scalar's CDN, no AI agent, MCP or telemetry calls out,
                    // no SDK generation or deployment links.
                    .DisableDefaultFonts()
                    .DisableAgent()
                    .DisableMcp()
                    .DisableTelemetry()
                    .HideDeveloperTools();
                // The page's scripts (the package's own files and its inline start-up) carry the nonce the portal's
                // Content-Security-Policy allows for this response, so the policy needs no exception for the page.
                options.WithNonce(context.GetCspNonce());
            })
            .RequireAuthorization(ReaderPolicy);
        return app;
    }
}
