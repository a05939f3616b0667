import { describe, expect, it } from 'vitest'
import { internalDestinationProblem, isInternalAddress } from './address-guard.ts'

describe('webhook address guard', () => {
  it('[HOOK5] classifies loopback, private, link-local and mapped addresses as internal', async () => {
    for (const address of ['127.0.0.1', '10.1.2.3', '172.20.0.1', '192.168.1.1', '169.254.169.254', '::1', 'fd00::1', 'fe80::1', '::ffff:127.0.0.1', '0.0.0.0']) {
      expect(isInternalAddress(address), address).toBe(true)
    }
    for (const address of ['93.184.216.34', '1.1.1.1', '2606:4700:4700::1111']) expect(isInternalAddress(address), address).toBe(false)
    expect(await internalDestinationProblem('http://127.0.0.1:9/hook')).toContain('internal address 127.0.0.1')
    expect(await internalDestinationProblem('http://[::1]:9/hook')).toContain('internal address ::1')
    expect(await internalDestinationProblem('http://localhost:9/hook')).toContain('internal address')
    expect(await internalDestinationProblem('http://1.1.1.1/hook')).toBeNull()
  })
})
