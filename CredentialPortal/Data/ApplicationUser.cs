using Microsoft.AspNetCore.Identity;

namespace CredentialPortal.Data;

/// <summary>A portal operator. Every user is an administrator of the portal.</summary>
public class ApplicationUser : IdentityUser
{
}
