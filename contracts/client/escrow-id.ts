/**
 * The on-chain job id whose escrow pays a tenant's settled jobs. The job API derives it
 * from the tenant and a name the tenant picks, rather than taking an id from the request:
 * a tenant can then only spend escrows funded under its own name, and never name another
 * tenant's escrow (the settler signs every batch, so the contract could not tell them
 * apart). A submitter funds `escrowIdFor(tenant, name)` with `fundJob`.
 */
import { encodeAbiParameters, type Hex, keccak256 } from 'viem';

/** Domain tag of the derivation (a new scheme would take a new tag). */
const ESCROW_ID_TAG = 'noob/escrow/1';

/** keccak256(abi.encode("noob/escrow/1", tenant, name)): the bytes32 on-chain job id. */
export function escrowIdFor(tenant: string, name: string): Hex {
  return keccak256(
    encodeAbiParameters(
      [{ type: 'string' }, { type: 'string' }, { type: 'string' }],
      [ESCROW_ID_TAG, tenant, name],
    ),
  );
}
