using CredentialPortal.Data;
using CredentialPortal.Features.Users;
using CredentialPortal.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CredentialPortal.Components.Account;

/// <summary>
/// Creates the first administrator: from Seed:* at start-up, or once in the browser while no user exists, with the
/// one-time setup code printed at start-up.
/// </summary>
public sealed class FirstAdministrator(
    UserManager<ApplicationUser> users,
    PortalDbContext db,
    IOptions<SeedOptions> seed,
    SetupCode setupCode,
    ILogger<FirstAdministrator> logger)
{
    public const string InvalidSetupCode = nameof(InvalidSetupCode);

    private static readonly SemaphoreSlim CreationLock = new(1, 1);

    public async Task<bool> IsNeededAsync() => !await users.Users.AnyAsync();

    /// <summary>At start-up: the administrator from Seed:*, else, while there is no user, a new setup code on the console.</summary>
    public async Task SeedFromConfigurationAsync()
    {
        await SeedAsync();
        if (await IsNeededAsync())
        {
            // Warning, so that it shows at the default log levels; it is worthless once the first administrator exists.
            logger.LogWarning(
                "No administrator exists yet. Open /Account/Setup and enter this one-time setup code: {SetupCode}",
                setupCode.Generate());
        }
    }

    private async Task SeedAsync()
    {
        var (email, password) = (seed.Value.AdminEmail, seed.Value.AdminPassword);
        if (string.IsNullOrWhiteSpace(email) || string.IsNullOrEmpty(password) || await users.FindByEmailAsync(email) is not null)
        {
            return;
        }

        IdentityResult? result = null;
        try
        {
            result = await CreateAsync(email, password);
        }
        catch (DbUpdateException)
        {
            // Another instance started at the same moment may have inserted it first (the unique index refused this one).
            if (await users.FindByEmailAsync(email) is null)
            {
                throw;
            }
            return;
        }
        if (result.Succeeded)
        {
            logger.LogInformation("Created the administrator {Email} from the Seed settings.", email);
        }
        else if (await users.FindByEmailAsync(email) is not null)
        {
            // Another instance started at the same moment created it between the look-up above and this insert.
        }
        else
        {
            throw new InvalidOperationException(
                "Seed:AdminEmail/Seed:AdminPassword could not create the administrator: " +
                string.Join(" ", result.Errors.Select(e => e.Description)));
        }
    }

    /// <summary>
    /// Creates the first administrator in the browser: null once any user exists; an error with the code
    /// <see cref="InvalidSetupCode"/> when the setup code is wrong.
    /// </summary>
    public async Task<IdentityResult?> CreateFirstAsync(string email, string password, string? code)
    {
        await CreationLock.WaitAsync();
        try
        {
            if (await users.Users.AnyAsync())
            {
                return null;
            }
            if (!setupCode.Matches(code))
            {
                return IdentityResult.Failed(new IdentityError
                {
                    Code = InvalidSetupCode,
                    Description = "The setup code is not correct. It is printed in the portal's console output at start-up.",
                });
            }
            var result = await CreateAsync(email, password);
            if (result.Succeeded)
            {
                setupCode.Spend();
            }
            return result;
        }
        finally
        {
            CreationLock.Release();
        }
    }

    /// <summary>The user and their Administrator role in one transaction: never an administrator without the role.</summary>
    private async Task<IdentityResult> CreateAsync(string email, string password)
    {
        var user = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true };
        await using var transaction = await db.Database.BeginTransactionAsync();
        var result = await users.CreateAsync(user, password);
        if (result.Succeeded)
        {
            result = await users.AddToRoleAsync(user, PortalRoles.Administrator);
        }
        if (result.Succeeded)
        {
            await transaction.CommitAsync();
        }
        return result;
    }
}
