using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;

namespace CredentialPortal.Features.Users;

/// <summary>Sets the <see cref="ActorAccessor"/> for an HTTP request, from the user authentication and authorization settled.</summary>
public static class ActorMiddleware
{
    /// <summary>After <c>UseAuthorization</c>: an API route's token principal is only known once its policy ran.</summary>
    public static IApplicationBuilder UseActor(this IApplicationBuilder app)
    {
        var actors = app.ApplicationServices.GetRequiredService<ActorAccessor>();
        return app.Use(async (context, next) =>
        {
            using (actors.Use(Actor.Of(context.User)))
            {
                await next(context);
            }
        });
    }
}

/// <summary>
/// Sets the <see cref="ActorAccessor"/> for each event a Blazor circuit handles (a click, a form submit), from the
/// circuit's current authentication state, so that a role changed or a session ended mid-circuit counts at once.
/// </summary>
public sealed class ActorCircuitHandler(AuthenticationStateProvider authentication, ActorAccessor actors) : CircuitHandler
{
    public override Func<CircuitInboundActivityContext, Task> CreateInboundActivityHandler(Func<CircuitInboundActivityContext, Task> next) =>
        async context =>
        {
            var state = await authentication.GetAuthenticationStateAsync();
            using (actors.Use(Actor.Of(state.User)))
            {
                await next(context);
            }
        };
}
