using System.Text.Json;
using System.Text.Json.Serialization;
using CredentialPortal.Features.ApiTokens;
using CredentialPortal.Features.Audit;
using CredentialPortal.Features.Credentials;
using CredentialPortal.Features.Delivery;
using CredentialPortal.Features.Hierarchy;
using CredentialPortal.Features.Users;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace CredentialPortal.Features.Api;

/// <summary>
/// The REST API under <c>/api/v1</c>: token authentication only (the browser's log-in cookie never authenticates it, so
/// there is nothing to forge across sites), a rate limit per token, a body size limit, snake_case JSON and problem
/// details for every error. Each feature maps its own routes on the group.
/// </summary>
public static class ApiEndpoints
{
    public const string Prefix = "/api";

    public static IServiceCollection AddPortalApi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ApiOptions>().Bind(configuration.GetSection(ApiOptions.Section))
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddProblemDetails();
        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, ApiTokenAuthenticationHandler>(ApiTokenDefaults.Scheme, null);
        services.AddAuthorizationBuilder().AddPolicy(ApiTokenDefaults.Policy, policy => policy
            .AddAuthenticationSchemes(ApiTokenDefaults.Scheme)
            .RequireAuthenticatedUser()
            .RequireClaim(ApiTokenDefaults.ScopeClaim));
        services.AddRateLimiter(limiter => limiter.AddPolicy<string, ApiRateLimitPolicy>(ApiRateLimitPolicy.Name));
        // Minimal APIs read one set of JSON options; the API is their only user of JSON bodies (and OpenAPI reads them too).
        services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            json.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower));
        });
        // A body that cannot be read (malformed JSON, wrong content type) throws, so that the problem can be named
        // (UseApiRequests) instead of an empty 400.
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        return services;
    }

    /// <summary>
    /// For requests under <c>/api</c>: refuses a body over the limit, answers errors as problem details (never the
    /// portal's HTML error pages) and names what was wrong with a request that could not be read.
    /// </summary>
    public static IApplicationBuilder UseApiRequests(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            if (!context.Request.Path.StartsWithSegments(Prefix))
            {
                await next(context);
                return;
            }

            if (context.Features.Get<IStatusCodePagesFeature>() is { } statusCodePages)
            {
                statusCodePages.Enabled = false;
            }
            var limit = context.RequestServices.GetRequiredService<IOptionsMonitor<ApiOptions>>().CurrentValue.MaxRequestBodyBytes;
            if (context.Request.ContentLength > limit)
            {
                await WriteProblemAsync(context, StatusCodes.Status413PayloadTooLarge, $"The request body is larger than {limit} bytes.");
                return;
            }
            // A body without a length (chunked) is cut off by the server at the same limit.
            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
            {
                bodySize.MaxRequestBodySize = limit;
            }

            try
            {
                await next(context);
            }
            catch (BadHttpRequestException bad) when (!context.Response.HasStarted)
            {
                context.Response.Clear();
                var detail = bad.StatusCode == StatusCodes.Status413PayloadTooLarge
                    ? $"The request body is larger than {limit} bytes."
                    : bad.InnerException is { } inner ? $"{bad.Message} {inner.Message}" : bad.Message;
                await WriteProblemAsync(context, bad.StatusCode, detail);
                return;
            }
            catch (ForbiddenException forbidden) when (!context.Response.HasStarted)
            {
                // A service refused the acting token's role: the same answer as a route's own policy gives.
                context.Response.Clear();
                await WriteProblemAsync(context, StatusCodes.Status403Forbidden, forbidden.Message);
                return;
            }
            catch (Exception exception) when (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
            {
                // The portal's error page is HTML; a script needs a problem it can read.
                context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ApiEndpoints))
                    .LogError(exception, "The API request {Method} {Path} failed.", context.Request.Method, context.Request.Path);
                context.Response.Clear();
                await WriteProblemAsync(context, StatusCodes.Status500InternalServerError, "The request failed on the server; nothing more is known to the caller.");
                return;
            }

            if (context.Response is { StatusCode: >= 400, HasStarted: false, ContentLength: null, ContentType: null })
            {
                await WriteProblemAsync(context, context.Response.StatusCode, null);
            }
        });

    /// <summary>Maps the <c>/api/v1</c> group with its conventions and every feature's routes on it.</summary>
    public static RouteGroupBuilder MapPortalApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup(Prefix + "/v1").WithApiConventions();
        api.MapApiTokenApi();
        api.MapHierarchyApi();
        api.MapCredentialApi();
        api.MapDeliveryApi();
        api.MapAuditApi();
        app.MapPortalOpenApi();
        return api;
    }

    /// <summary>
    /// Token authentication only, the per-token rate limit, no antiforgery (no cookie, nothing to forge), and the
    /// token's role: reads need Viewer, changes Editor, refused before the route does any work. A group that needs more
    /// (Administrator) adds its own policy on top.
    /// </summary>
    public static RouteGroupBuilder WithApiConventions(this RouteGroupBuilder api)
    {
        // Finally: the route's own HTTP methods are known by then.
        ((IEndpointConventionBuilder)api).Finally(endpoint => endpoint.Metadata.Add(new AuthorizeAttribute { Policy = RolePolicyOf(endpoint) }));
        api.RequireAuthorization(ApiTokenDefaults.Policy)
            .RequireRateLimiting(ApiRateLimitPolicy.Name)
            .DisableAntiforgery()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        return api;
    }

    private static string RolePolicyOf(EndpointBuilder endpoint) =>
        endpoint.Metadata.OfType<HttpMethodMetadata>().SelectMany(m => m.HttpMethods)
            .All(method => HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method))
            ? PortalPolicies.Viewer
            : PortalPolicies.Editor;

    private static Task WriteProblemAsync(HttpContext context, int status, string? detail)
    {
        context.Response.StatusCode = status;
        return context.RequestServices.GetRequiredService<IProblemDetailsService>().TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails { Status = status, Detail = detail },
        }).AsTask();
    }
}
