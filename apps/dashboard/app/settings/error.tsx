'use client'
export { ErrorView as default } from '../../ui/error-view'
